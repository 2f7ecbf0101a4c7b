package io.needlestack.bench.stats;

/**
 * The figures of one phase at one size against one target.
 *
 * @param ops successful operations
 * @param errors failed operations (not in the latencies)
 * @param bytes object bytes moved by the successful operations
 * @param seconds wall time of the phase, summed over rounds
 * @param opsPerSecond successful operations per second
 * @param megabytesPerSecond object bytes per second, in MB (10^6 bytes)
 * @param p50Millis median latency
 * @param p99Millis 99th percentile latency
 * @param p999Millis 99.9th percentile latency
 * @param maxMillis longest latency
 * @param maxRssBytes largest resident set size of the server process sampled, or 0 when none was
 * @param firstError description of the first failed operation, or null
 */
public record PhaseSummary(long ops, long errors, long bytes, double seconds, double opsPerSecond,
    double megabytesPerSecond, double p50Millis, double p99Millis, double p999Millis,
    double maxMillis, long maxRssBytes, String firstError) {
}
