package io.needlestack.bench.report;

import io.needlestack.bench.options.Phase;
import io.needlestack.bench.options.Quantities;
import io.needlestack.bench.stats.PhaseSummary;
import io.needlestack.bench.stats.Results;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The ratios of a subject (Needlestack) to its peer (s3proxy) over the measurements both have,
 * with the goals of the performance issue where one applies: 4 KiB PUT ops/s at least 2x, 1 MiB
 * PUT and GET MB/s at least 1.5x, 64 MiB GET MB/s at least 1.2x, and a p99 no worse than the
 * peer's at every size and phase. Other phases and sizes get an informative ops/s ratio.
 */
public final class Comparison {

  private Comparison() {
  }

  /** The ratio lines, goals first, for {@code subject} against {@code peer}. */
  public static List<Ratio> of(Results results, String subject, String peer) {
    List<Ratio> lines = new ArrayList<>();
    TreeSet<Long> sizes = new TreeSet<>();
    results.rows().forEach(e -> sizes.add(e.getKey().size()));
    goal(lines, results, subject, peer, Phase.PUT, 4L << 10, false, 2.0);
    goal(lines, results, subject, peer, Phase.PUT, 1L << 20, true, 1.5);
    goal(lines, results, subject, peer, Phase.GET, 1L << 20, true, 1.5);
    goal(lines, results, subject, peer, Phase.GET, 64L << 20, true, 1.2);
    for (long size : sizes) {
      for (Phase phase : Phase.values()) {
        Optional<PhaseSummary> s = results.get(subject, phase, size);
        Optional<PhaseSummary> p = results.get(peer, phase, size);
        if (s.isPresent() && p.isPresent()) {
          lines.add(new Ratio(label(phase, size, "p99 ms"), s.get().p99Millis(),
              p.get().p99Millis(), 1.0, false));
        }
      }
    }
    for (long size : sizes) {
      for (Phase phase : Phase.values()) {
        if (isGoal(phase, size)) {
          continue;
        }
        Optional<PhaseSummary> s = results.get(subject, phase, size);
        Optional<PhaseSummary> p = results.get(peer, phase, size);
        if (s.isPresent() && p.isPresent()) {
          boolean mb = phase.movesData() && size >= 1L << 20;
          lines.add(new Ratio(label(phase, size, mb ? "MB/s" : "ops/s"),
              mb ? s.get().megabytesPerSecond() : s.get().opsPerSecond(),
              mb ? p.get().megabytesPerSecond() : p.get().opsPerSecond(), Double.NaN, true));
        }
      }
    }
    return lines;
  }

  private static boolean isGoal(Phase phase, long size) {
    return (phase == Phase.PUT && (size == 4L << 10 || size == 1L << 20))
        || (phase == Phase.GET && (size == 1L << 20 || size == 64L << 20));
  }

  private static void goal(List<Ratio> lines, Results results, String subject, String peer,
      Phase phase, long size, boolean megabytes, double goal) {
    Optional<PhaseSummary> s = results.get(subject, phase, size);
    Optional<PhaseSummary> p = results.get(peer, phase, size);
    if (s.isEmpty() || p.isEmpty()) {
      return;
    }
    lines.add(new Ratio(label(phase, size, megabytes ? "MB/s" : "ops/s"),
        megabytes ? s.get().megabytesPerSecond() : s.get().opsPerSecond(),
        megabytes ? p.get().megabytesPerSecond() : p.get().opsPerSecond(), goal, true));
  }

  private static String label(Phase phase, long size, String unit) {
    return phase.label().toUpperCase(java.util.Locale.ROOT) + " " + Quantities.formatSize(size)
        + " " + unit;
  }
}
