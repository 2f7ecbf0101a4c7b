package io.needlestack.bench.stats;

import org.HdrHistogram.Histogram;

/**
 * What one worker thread (or, merged, a whole phase over every round) measured: operations,
 * failed operations, bytes moved, a latency histogram in microseconds, the wall time and the
 * largest resident set size sampled. Not thread-safe: each thread records into its own and the
 * runner {@linkplain #add merges} them.
 */
public final class PhaseStats {

  /** Longest latency the histogram tracks: one hour, in microseconds; longer ones are clamped. */
  private static final long MAX_MICROS = 3_600_000_000L;

  private final Histogram latencyMicros = new Histogram(MAX_MICROS, 3);
  private long ops;
  private long errors;
  private long bytes;
  private long elapsedNanos;
  private long maxRssBytes;
  private String firstError;

  /** One successful operation that moved {@code bytesMoved} object bytes in {@code nanos}. */
  public void recordSuccess(long nanos, long bytesMoved) {
    ops++;
    bytes += bytesMoved;
    latencyMicros.recordValue(Math.min(MAX_MICROS, Math.max(1, nanos / 1000)));
  }

  /** One failed operation; the first failure's description is kept for the report. */
  public void recordError(String description) {
    errors++;
    if (firstError == null) {
      firstError = description;
    }
  }

  /** Adds the wall time a phase ran (summed over rounds). */
  public void addElapsed(long nanos) {
    elapsedNanos += nanos;
  }

  /** Keeps the larger of the resident set size seen so far and {@code rssBytes}. */
  public void observeRss(long rssBytes) {
    maxRssBytes = Math.max(maxRssBytes, rssBytes);
  }

  /** Merges another thread's or round's measurements into this one (its elapsed time too). */
  public void add(PhaseStats other) {
    latencyMicros.add(other.latencyMicros);
    ops += other.ops;
    errors += other.errors;
    bytes += other.bytes;
    elapsedNanos += other.elapsedNanos;
    maxRssBytes = Math.max(maxRssBytes, other.maxRssBytes);
    if (firstError == null) {
      firstError = other.firstError;
    }
  }

  /** Failed operations so far. */
  public long errors() {
    return errors;
  }

  /** Successful operations. */
  public long ops() {
    return ops;
  }

  /** The summary of what was recorded. */
  public PhaseSummary summary() {
    double seconds = elapsedNanos / 1e9;
    return new PhaseSummary(ops, errors, bytes, seconds,
        seconds > 0 ? ops / seconds : 0,
        seconds > 0 ? bytes / seconds / 1e6 : 0,
        millisAt(50), millisAt(99), millisAt(99.9),
        ops == 0 ? 0 : latencyMicros.getMaxValue() / 1000.0,
        maxRssBytes, firstError);
  }

  private double millisAt(double percentile) {
    return ops == 0 ? 0 : latencyMicros.getValueAtPercentile(percentile) / 1000.0;
  }
}
