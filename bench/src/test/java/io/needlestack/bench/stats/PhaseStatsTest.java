package io.needlestack.bench.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.needlestack.bench.options.Phase;
import org.junit.jupiter.api.Test;

class PhaseStatsTest {

  @Test
  void percentilesRatesAndMerging() {
    PhaseStats a = new PhaseStats();
    PhaseStats b = new PhaseStats();
    // 1000 operations of 1..1000 ms, split over two threads.
    for (int ms = 1; ms <= 1000; ms++) {
      (ms % 2 == 0 ? a : b).recordSuccess(ms * 1_000_000L, 4096);
    }
    b.recordError("put k: boom");
    b.recordError("put k2: later");
    PhaseStats total = new PhaseStats();
    total.add(a);
    total.add(b);
    total.addElapsed(2_000_000_000L);
    total.observeRss(300L << 20);
    total.observeRss(200L << 20);
    PhaseSummary s = total.summary();
    assertEquals(1000, s.ops());
    assertEquals(2, s.errors());
    assertEquals(4096L * 1000, s.bytes());
    assertEquals(2.0, s.seconds(), 1e-9);
    assertEquals(500.0, s.opsPerSecond(), 1e-9);
    assertEquals(4096.0 * 1000 / 2 / 1e6, s.megabytesPerSecond(), 1e-9);
    // HdrHistogram at 3 significant digits: within 0.1 % of the exact order statistic.
    assertEquals(500, s.p50Millis(), 0.5);
    assertEquals(990, s.p99Millis(), 1.0);
    assertEquals(999, s.p999Millis(), 1.0);
    assertEquals(1000, s.maxMillis(), 1.0);
    assertEquals(300L << 20, s.maxRssBytes());
    assertEquals("put k: boom", s.firstError());
  }

  @Test
  void anEmptyPhaseIsAllZeros() {
    PhaseSummary s = new PhaseStats().summary();
    assertEquals(0, s.ops());
    assertEquals(0, s.opsPerSecond());
    assertEquals(0, s.p99Millis());
    assertNull(s.firstError());
  }

  @Test
  void resultsMergeRoundsAndKeepTargetOrder() {
    Results r = new Results();
    r.merge(new ResultKey("needlestack", Phase.GET, 4096), round(10, 1));
    r.merge(new ResultKey("s3proxy", Phase.PUT, 4096), round(5, 1));
    r.merge(new ResultKey("needlestack", Phase.PUT, 4096), round(20, 1));
    r.merge(new ResultKey("needlestack", Phase.PUT, 4096), round(20, 1));
    assertEquals(40, r.get("needlestack", Phase.PUT, 4096).orElseThrow().ops());
    assertEquals(20.0, r.get("needlestack", Phase.PUT, 4096).orElseThrow().opsPerSecond(), 1e-9);
    var rows = r.rows();
    assertEquals(Phase.PUT, rows.get(0).getKey().phase());
    assertEquals(Phase.GET, rows.get(1).getKey().phase());
    assertEquals("s3proxy", rows.get(2).getKey().target());
    assertEquals(java.util.List.of("needlestack", "s3proxy"), r.targets());
  }

  static PhaseStats round(int ops, int seconds) {
    PhaseStats s = new PhaseStats();
    for (int i = 0; i < ops; i++) {
      s.recordSuccess(1_000_000, 4096);
    }
    s.addElapsed(seconds * 1_000_000_000L);
    return s;
  }
}
