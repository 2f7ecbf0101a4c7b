package io.needlestack.bench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.needlestack.bench.options.BenchOptions;
import io.needlestack.bench.options.Phase;
import io.needlestack.bench.stats.PhaseStats;
import io.needlestack.bench.stats.ResultKey;
import io.needlestack.bench.stats.Results;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ReportTest {

  /** ops operations of latencyMs each, in one second. */
  private static PhaseStats stats(int ops, long size, double latencyMs) {
    PhaseStats s = new PhaseStats();
    for (int i = 0; i < ops; i++) {
      s.recordSuccess((long) (latencyMs * 1_000_000), size);
    }
    s.addElapsed(1_000_000_000L);
    return s;
  }

  private static Results sample() {
    Results r = new Results();
    r.merge(new ResultKey("ns", Phase.PUT, 4096), stats(3000, 4096, 2));
    r.merge(new ResultKey("ns", Phase.GET, 4096), stats(5000, 4096, 1));
    r.merge(new ResultKey("ns", Phase.PUT, 1 << 20), stats(100, 1 << 20, 50));
    r.merge(new ResultKey("peer", Phase.PUT, 4096), stats(1000, 4096, 4));
    r.merge(new ResultKey("peer", Phase.GET, 4096), stats(2500, 4096, 0.5));
    r.merge(new ResultKey("peer", Phase.PUT, 1 << 20), stats(80, 1 << 20, 60));
    return r;
  }

  @Test
  void goalsAreJudged() {
    List<Ratio> ratios = Comparison.of(sample(), "ns", "peer");
    Ratio put4k = find(ratios, "PUT 4KiB ops/s").orElseThrow();
    assertEquals(3.0, put4k.ratio(), 1e-9);
    assertEquals(2.0, put4k.goal());
    assertEquals("OK", put4k.verdict());
    Ratio put1m = find(ratios, "PUT 1MiB MB/s").orElseThrow();
    assertEquals(1.25, put1m.ratio(), 1e-9);
    assertEquals("SHORT", put1m.verdict());
    assertEquals("SHORT", find(ratios, "GET 4KiB p99 ms").orElseThrow().verdict(),
        "a p99 twice the peer's is worse");
    assertEquals("OK", find(ratios, "PUT 4KiB p99 ms").orElseThrow().verdict());
    Ratio get4k = find(ratios, "GET 4KiB ops/s").orElseThrow();
    assertEquals("", get4k.verdict(), "no goal for 4 KiB GET through the SDK");
    assertEquals(2.0, get4k.ratio(), 1e-9);
    assertTrue(find(ratios, "GET 64MiB MB/s").isEmpty(), "nothing measured, no line");
  }

  @Test
  void ratioEdgeCases() {
    assertEquals("n/a", new Ratio("x", 1, 0, 2, true).verdict());
    assertFalse(new Ratio("x", 1, 0, 2, true).met());
    assertTrue(new Ratio("x", 2, 2, 1, false).met(), "equal latency is no worse");
  }

  @Test
  void tableHasOneLinePerMeasurement() {
    String table = TableRenderer.results(sample());
    String[] lines = table.split("\n");
    assertEquals(7, lines.length);
    assertTrue(lines[0].contains("ops/s") && lines[0].contains("p999 ms"), lines[0]);
    assertTrue(lines[1].matches("ns\\s+4KiB\\s+put\\s+3000\\.0\\s+12\\.29\\s+2\\.00\\s+2\\.00.*"),
        lines[1]);
    String ratios = TableRenderer.ratios(Comparison.of(sample(), "ns", "peer"), "ns", "peer");
    assertTrue(ratios.contains("PUT 4KiB ops/s") && ratios.contains("3.00x") && ratios.contains("OK"),
        ratios);
  }

  @Test
  void jsonIsWellFormedAndEscaped() {
    Results r = sample();
    PhaseStats failing = stats(1, 4096, 1);
    failing.recordError("put \"k\"\n\\x");
    r.merge(new ResultKey("ns", Phase.DELETE, 4096), failing);
    BenchOptions o = BenchOptions.parse(new String[] {"--target", "ns=http://127.0.0.1:1",
        "--target", "peer=http://127.0.0.1:2", "--access-key", "A", "--secret-key", "S"}, Map.of());
    String json = JsonReport.render(o, Instant.EPOCH, r, Comparison.of(r, "ns", "peer"));
    assertTrue(json.contains("\"first_error\": \"put \\\"k\\\"\\n\\\\x\""), json);
    assertTrue(json.contains("\"phase\": \"put\", \"size\": 4096"), json);
    assertTrue(json.contains("\"mb_per_s\": null"), "delete moves no data: " + json);
    assertFalse(json.contains("NaN"));
    assertEquals(count(json, '{'), count(json, '}'));
    assertEquals(count(json, '['), count(json, ']'));
    assertEquals("null", JsonReport.num(Double.NaN));
    assertEquals("\"\\u0001\"", JsonReport.str("\u0001"));
  }

  private static long count(String s, char c) {
    return s.chars().filter(x -> x == c).count();
  }

  private static Optional<Ratio> find(List<Ratio> ratios, String metric) {
    return ratios.stream().filter(r -> r.metric().equals(metric)).findFirst();
  }
}
