package io.needlestack.bench.options;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BenchOptionsTest {

  private static final Map<String, String> NO_ENV = Map.of();

  private static BenchOptions parse(String... args) {
    return BenchOptions.parse(args, NO_ENV);
  }

  @Test
  void defaultsAreTheIssuesRun() {
    BenchOptions o = parse("--endpoint", "http://127.0.0.1:8080", "--access-key", "A",
        "--secret-key", "S");
    assertEquals("run", o.command());
    assertEquals(8, o.threads());
    assertEquals(List.of(4096L, 65536L, 1L << 20, 64L << 20), o.sizes());
    assertEquals(EnumSet.allOf(Phase.class), o.phases());
    assertEquals(Duration.ofSeconds(10), o.duration());
    assertTrue(o.prewarm().isZero(), "no pre-warm unless asked");
    assertEquals(EnumSet.of(Phase.PUT, Phase.GET, Phase.MIXED), o.prewarmPhases());
    assertTrue(o.pathStyle());
    assertFalse(o.checksum(), "checksums only when required: the peer may not handle them");
    assertEquals("127.0.0.1:8080", o.targets().get(0).label());
    assertEquals(0, o.objects(), "PUT phases are timed unless --objects is given");
  }

  @Test
  void everyOptionIsRead() {
    BenchOptions o = BenchOptions.parse(new String[] {"run",
        "--target", "needlestack=http://127.0.0.1:8080@4242", "--target", "s3proxy=http://localhost:9000",
        "--region", "eu-west-1", "--bucket", "b1", "--threads", "3", "--sizes", "1MiB,4k",
        "--phases", "get,put", "--duration", "1500ms", "--warmup", "0", "--prewarm", "3s",
        "--prewarm-phases", "put", "--rounds", "2",
        "--virtual-host", "--checksum", "--json", "out/r.json", "--keep", "--objects", "2500"},
        Map.of("AWS_ACCESS_KEY_ID", "AK", "AWS_SECRET_ACCESS_KEY", "SK"));
    assertEquals(2, o.targets().size());
    assertEquals(new Target("needlestack", URI.create("http://127.0.0.1:8080"), 4242),
        o.targets().get(0));
    assertEquals("s3proxy", o.targets().get(1).label());
    assertEquals("AK", o.accessKey());
    assertEquals("SK", o.secretKey());
    assertEquals("eu-west-1", o.region());
    assertEquals("b1", o.bucket());
    assertEquals(3, o.threads());
    assertEquals(List.of(4096L, 1L << 20), o.sizes(), "sizes come out ascending");
    assertEquals(EnumSet.of(Phase.PUT, Phase.GET), o.phases());
    assertEquals(Duration.ofMillis(1500), o.duration());
    assertTrue(o.warmup().isZero());
    assertEquals(Duration.ofSeconds(3), o.prewarm());
    assertEquals(EnumSet.of(Phase.PUT), o.prewarmPhases());
    assertEquals(2, o.rounds());
    assertFalse(o.pathStyle());
    assertTrue(o.checksum());
    assertEquals("out/r.json", o.jsonPath());
    assertTrue(o.keep());
    assertEquals(2500, o.objects());
  }

  @Test
  void readingPhasesBringTheirPutPhase() {
    BenchOptions o = parse("--endpoint", "http://h:1", "--access-key", "A", "--secret-key", "S",
        "--phases", "get,list");
    assertEquals(EnumSet.of(Phase.PUT, Phase.GET, Phase.LIST), o.phases());
  }

  @Test
  void labelNamesASingleEndpoint() {
    BenchOptions o = parse("--endpoint", "http://h:1", "--label", "mine", "--access-key", "A",
        "--secret-key", "S");
    assertEquals("mine", o.targets().get(0).label());
  }

  @Test
  void badCommandLinesSayWhy() {
    assertMessage("no endpoint", "--access-key", "A", "--secret-key", "S");
    assertMessage("no credentials", "--endpoint", "http://h:1");
    assertMessage("--threads needs a positive", "--endpoint", "http://h:1", "--threads", "0");
    assertMessage("needs a value", "--endpoint");
    assertMessage("--objects needs a positive", "--endpoint", "http://h:1", "--objects", "-5");
    assertMessage("unknown option --nope", "--endpoint", "http://h:1", "--nope", "1");
    assertMessage("unknown phase", "--endpoint", "http://h:1", "--phases", "put,scan");
    assertMessage("not a size", "--endpoint", "http://h:1", "--sizes", "4 parsecs");
    assertMessage("http(s) URL", "--endpoint", "ftp://h:1", "--access-key", "A", "--secret-key", "S");
    assertMessage("labelled 'x'", "--target", "x=http://h:1", "--target", "x=http://h:2",
        "--access-key", "A", "--secret-key", "S");
    assertMessage("unknown command", "bench", "--endpoint", "http://h:1");
  }

  private static void assertMessage(String expected, String... args) {
    InvalidOptionException e = assertThrows(InvalidOptionException.class, () -> parse(args));
    assertTrue(e.getMessage().contains(expected), e.getMessage());
  }
}
