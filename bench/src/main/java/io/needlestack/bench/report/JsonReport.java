package io.needlestack.bench.report;

import io.needlestack.bench.options.BenchOptions;
import io.needlestack.bench.options.Phase;
import io.needlestack.bench.options.Quantities;
import io.needlestack.bench.options.Target;
import io.needlestack.bench.stats.PhaseSummary;
import io.needlestack.bench.stats.ResultKey;
import io.needlestack.bench.stats.Results;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The JSON report: the run's configuration, one object per measurement and the ratio lines.
 * Written by hand (a dozen fields, no nesting beyond arrays) so that the tool needs no JSON
 * library; numbers are plain decimals, never NaN (written as null).
 */
public final class JsonReport {

  private JsonReport() {
  }

  /** The document for a finished run. */
  public static String render(BenchOptions options, Instant started, Results results,
      List<Ratio> ratios) {
    StringBuilder sb = new StringBuilder(4096);
    sb.append("{\n  \"tool\": \"needlestack-bench\",\n");
    sb.append("  \"started\": ").append(str(started.toString())).append(",\n");
    sb.append("  \"config\": {\"threads\": ").append(options.threads())
        .append(", \"duration_s\": ").append(num(options.duration().toMillis() / 1000.0))
        .append(", \"warmup_s\": ").append(num(options.warmup().toMillis() / 1000.0))
        .append(", \"prewarm_s\": ").append(num(options.prewarm().toMillis() / 1000.0))
        .append(", \"rounds\": ").append(options.rounds())
        .append(", \"bucket\": ").append(str(options.bucket()))
        .append(", \"path_style\": ").append(options.pathStyle())
        .append(", \"checksum\": ").append(options.checksum())
        .append(", \"sizes\": [");
    for (int i = 0; i < options.sizes().size(); i++) {
      sb.append(i == 0 ? "" : ", ").append(options.sizes().get(i));
    }
    sb.append("], \"phases\": ").append(phaseList(options.phases()))
        .append(", \"prewarm_phases\": ").append(phaseList(options.prewarmPhases()))
        .append("},\n  \"targets\": [");
    int i = 0;
    for (Target t : options.targets()) {
      sb.append(i++ == 0 ? "" : ", ").append("{\"label\": ").append(str(t.label()))
          .append(", \"endpoint\": ").append(str(t.endpoint().toString())).append('}');
    }
    sb.append("],\n  \"results\": [");
    i = 0;
    for (Map.Entry<ResultKey, PhaseSummary> e : results.rows()) {
      ResultKey k = e.getKey();
      PhaseSummary s = e.getValue();
      sb.append(i++ == 0 ? "\n" : ",\n").append("    {\"target\": ").append(str(k.target()))
          .append(", \"phase\": ").append(str(k.phase().label()))
          .append(", \"size\": ").append(k.size())
          .append(", \"size_label\": ").append(str(Quantities.formatSize(k.size())))
          .append(", \"ops\": ").append(s.ops())
          .append(", \"errors\": ").append(s.errors())
          .append(", \"bytes\": ").append(s.bytes())
          .append(", \"seconds\": ").append(num(s.seconds()))
          .append(", \"ops_per_s\": ").append(num(s.opsPerSecond()))
          .append(", \"mb_per_s\": ").append(k.phase().movesData() ? num(s.megabytesPerSecond()) : "null")
          .append(", \"p50_ms\": ").append(num(s.p50Millis()))
          .append(", \"p99_ms\": ").append(num(s.p99Millis()))
          .append(", \"p999_ms\": ").append(num(s.p999Millis()))
          .append(", \"max_ms\": ").append(num(s.maxMillis()))
          .append(", \"max_rss_bytes\": ").append(s.maxRssBytes() == 0 ? "null" : Long.toString(s.maxRssBytes()))
          .append(", \"first_error\": ").append(s.firstError() == null ? "null" : str(s.firstError()))
          .append('}');
    }
    sb.append("\n  ],\n  \"ratios\": [");
    i = 0;
    for (Ratio r : ratios) {
      sb.append(i++ == 0 ? "\n" : ",\n").append("    {\"metric\": ").append(str(r.metric()))
          .append(", \"subject\": ").append(num(r.subject()))
          .append(", \"peer\": ").append(num(r.peer()))
          .append(", \"ratio\": ").append(num(r.ratio()))
          .append(", \"goal\": ").append(r.hasGoal() ? num(r.goal()) : "null")
          .append(", \"higher_is_better\": ").append(r.higherIsBetter())
          .append(", \"verdict\": ").append(str(r.verdict()))
          .append('}');
    }
    sb.append("\n  ]\n}\n");
    return sb.toString();
  }

  /** A JSON array of the phases' labels, in {@link Phase} order. */
  private static String phaseList(Set<Phase> phases) {
    StringBuilder sb = new StringBuilder("[");
    for (Phase p : phases) {
      sb.append(sb.length() == 1 ? "" : ", ").append(str(p.label()));
    }
    return sb.append(']').toString();
  }

  static String num(double v) {
    if (Double.isNaN(v) || Double.isInfinite(v)) {
      return "null";
    }
    return String.format(Locale.ROOT, "%.4f", v);
  }

  static String str(String s) {
    StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          if (c < 0x20) {
            sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    return sb.append('"').toString();
  }
}
