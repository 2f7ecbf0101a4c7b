package io.needlestack.bench.report;

import io.needlestack.bench.options.Quantities;
import io.needlestack.bench.stats.PhaseSummary;
import io.needlestack.bench.stats.ResultKey;
import io.needlestack.bench.stats.Results;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The console tables: one line per target, size and phase; then the ratio lines. */
public final class TableRenderer {

  private static final String ROW = "%-14s %-7s %-7s %10s %9s %9s %9s %9s %8s %7s %8s%n";

  private TableRenderer() {
  }

  /** The results table (MB is 10^6 bytes; latencies in milliseconds; RSS in MiB). */
  public static String results(Results results) {
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, ROW, "target", "size", "phase", "ops/s", "MB/s",
        "p50 ms", "p99 ms", "p999 ms", "ops", "errors", "rss MiB"));
    for (Map.Entry<ResultKey, PhaseSummary> e : results.rows()) {
      ResultKey k = e.getKey();
      PhaseSummary s = e.getValue();
      sb.append(String.format(Locale.ROOT, ROW, k.target(), Quantities.formatSize(k.size()),
          k.phase().label(), num(s.opsPerSecond(), 1),
          k.phase().movesData() ? num(s.megabytesPerSecond(), 2) : "-",
          num(s.p50Millis(), 2), num(s.p99Millis(), 2), num(s.p999Millis(), 2),
          Long.toString(s.ops()), Long.toString(s.errors()),
          s.maxRssBytes() == 0 ? "-" : Long.toString(s.maxRssBytes() >> 20)));
    }
    for (Map.Entry<ResultKey, PhaseSummary> e : results.rows()) {
      if (e.getValue().firstError() != null) {
        sb.append("first error of ").append(e.getKey().target()).append(' ')
            .append(Quantities.formatSize(e.getKey().size())).append(' ')
            .append(e.getKey().phase().label()).append(": ").append(e.getValue().firstError())
            .append('\n');
      }
    }
    return sb.toString();
  }

  /** The ratio lines of {@code subject} over {@code peer}. */
  public static String ratios(List<Ratio> ratios, String subject, String peer) {
    String row = "%-22s %12s %12s %8s %8s %s%n";
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, row, "metric", subject, peer, "ratio", "goal", ""));
    for (Ratio r : ratios) {
      String goal = !r.hasGoal() ? "" : (r.higherIsBetter() ? ">= " : "<= ") + num(r.goal(), 1);
      sb.append(String.format(Locale.ROOT, row, r.metric(), num(r.subject(), 2),
          num(r.peer(), 2), Double.isNaN(r.ratio()) ? "n/a" : num(r.ratio(), 2) + "x", goal,
          r.verdict()));
    }
    return sb.toString();
  }

  static String num(double v, int decimals) {
    return String.format(Locale.ROOT, "%." + decimals + "f", v);
  }
}
