package io.needlestack.bench.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.needlestack.bench.BenchMain;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.StringReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A short run of needlestack-bench against s3proxy 4.1.0 (filesystem-nio2, SigV4) in its own
 * process: every phase at two small sizes, a second or so each, two labels for the same server so
 * that the ratio table is produced too. It checks the content of the table and the JSON, never
 * timings: benchmarks are not pass/fail.
 */
class BenchSmokeIT {

  private static final String ACCESS_KEY = "AKIABENCHSMOKE000001";
  private static final String SECRET_KEY = "benchSmokeSecretKey000000000000000000001";
  private static Process s3proxy;
  private static int port;
  private static Path work;

  @BeforeAll
  static void startS3Proxy() throws Exception {
    Path jar = Path.of(System.getProperty("it.s3proxy.jar", "target/it-tools/s3proxy.jar"));
    assertTrue(Files.isRegularFile(jar), "s3proxy jar missing at " + jar);
    work = Files.createDirectories(Path.of(System.getProperty("it.work.dir", "target/it-work"))
        .resolve("smoke-" + System.currentTimeMillis()));
    Files.createDirectories(work.resolve("data"));
    port = freePort();
    Path props = work.resolve("s3proxy.properties");
    Files.writeString(props, String.join("\n",
        "s3proxy.endpoint=http://127.0.0.1:" + port,
        "s3proxy.authorization=aws-v4",
        "s3proxy.identity=" + ACCESS_KEY,
        "s3proxy.credential=" + SECRET_KEY,
        "jclouds.provider=filesystem-nio2",
        "jclouds.filesystem.basedir=" + work.resolve("data"), ""));
    s3proxy = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m", "-Djava.io.tmpdir=" + Files.createDirectories(work.resolve("tmp")),
        "-jar", jar.toAbsolutePath().toString(), "--properties", props.toString())
        .redirectErrorStream(true)
        .redirectOutput(work.resolve("s3proxy.log").toFile())
        .start();
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!answersHttp()) {
      assertTrue(s3proxy.isAlive(), "s3proxy exited: " + Files.readString(work.resolve("s3proxy.log")));
      assertTrue(System.nanoTime() < deadline, "s3proxy did not answer within 60 s");
      Thread.sleep(200);
    }
  }

  @AfterAll
  static void stopS3Proxy() throws InterruptedException {
    if (s3proxy != null) {
      s3proxy.destroy();
      if (!s3proxy.waitFor(20, TimeUnit.SECONDS)) {
        s3proxy.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void everyPhaseAndSizeIsMeasuredAndReported() throws IOException {
    Path json = work.resolve("result.json");
    String endpoint = "http://127.0.0.1:" + port;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status = BenchMain.run(new String[] {"run",
        "--target", "first=" + endpoint + "@" + s3proxy.pid(), "--target", "second=" + endpoint,
        "--access-key", ACCESS_KEY, "--secret-key", SECRET_KEY,
        "--threads", "2", "--sizes", "4KiB,64KiB", "--duration", "800ms", "--warmup", "400ms",
        "--prewarm", "300ms", "--json", json.toString()},
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    String table = out.toString(StandardCharsets.UTF_8);
    String progress = err.toString(StandardCharsets.UTF_8);
    assertEquals(0, status, table + progress);
    // The pre-warm ran on both targets at both sizes (up to 1 MiB), before the first timed phase.
    int firstTimed = progress.indexOf(" r1 put]");
    for (String target : List.of("first", "second")) {
      for (String size : List.of("4KiB", "64KiB")) {
        int at = progress.indexOf("[" + target + " " + size + "] pre-warm");
        assertTrue(at >= 0 && at < firstTimed,
            "no pre-warm of " + target + " " + size + " before the timed phases:\n" + progress);
      }
    }

    // The table: a header, then one line per target, size and phase, each with operations done.
    List<String> lines = table.lines().toList();
    Set<String> seen = new HashSet<>();
    for (String line : lines) {
      String[] f = line.trim().split("\\s+");
      if (f.length == 11 && (f[0].equals("first") || f[0].equals("second"))) {
        seen.add(f[0] + " " + f[1] + " " + f[2]);
        assertTrue(Long.parseLong(f[8]) > 0, "no operations: " + line);
        assertEquals("0", f[9], "errors: " + line + "\n" + table);
        assertTrue(Double.parseDouble(f[3]) > 0, line);
      }
    }
    for (String target : List.of("first", "second")) {
      for (String size : List.of("4KiB", "64KiB")) {
        for (String phase : List.of("put", "get", "mixed", "list", "delete")) {
          assertTrue(seen.contains(target + " " + size + " " + phase),
              "no line for " + target + " " + size + " " + phase + " in\n" + table);
        }
      }
    }
    assertTrue(table.contains("Ratios first / second:"), table);
    assertTrue(table.contains("PUT 4KiB ops/s") && table.contains(">= 2.0"), table);

    // The JSON: the same measurements with consistent figures.
    JsonObject doc = readJson(json);
    JsonObject config = doc.getJsonObject("config");
    assertEquals(0.3, config.getJsonNumber("prewarm_s").doubleValue(), 1e-9, doc.toString());
    assertEquals(List.of("put", "get", "mixed"),
        config.getJsonArray("prewarm_phases").getValuesAs(jakarta.json.JsonString.class).stream()
            .map(jakarta.json.JsonString::getString).toList(), doc.toString());
    assertEquals(2, doc.getJsonArray("targets").size());
    assertEquals(2 * 2 * 5, doc.getJsonArray("results").size());
    for (JsonObject r : doc.getJsonArray("results").getValuesAs(JsonObject.class)) {
      String what = r.toString();
      long ops = r.getJsonNumber("ops").longValue();
      assertTrue(ops > 0, what);
      assertEquals(0, r.getJsonNumber("errors").longValue(), what);
      double p50 = r.getJsonNumber("p50_ms").doubleValue();
      double p99 = r.getJsonNumber("p99_ms").doubleValue();
      double p999 = r.getJsonNumber("p999_ms").doubleValue();
      assertTrue(0 < p50 && p50 <= p99 && p99 <= p999, what);
      assertTrue(r.getJsonNumber("ops_per_s").doubleValue() > 0, what);
      String phase = r.getString("phase");
      long size = r.getJsonNumber("size").longValue();
      if (phase.equals("put") || phase.equals("get") || phase.equals("mixed")) {
        assertEquals(ops * size, r.getJsonNumber("bytes").longValue(), what);
        assertTrue(r.getJsonNumber("mb_per_s").doubleValue() > 0, what);
      } else {
        assertTrue(r.isNull("mb_per_s"), what);
      }
      if (r.getString("target").equals("first")) {
        assertTrue(r.getJsonNumber("max_rss_bytes").longValue() > 10L << 20,
            "the server's RSS is sampled: " + what);
      }
    }
    assertTrue(doc.getJsonArray("ratios").getValuesAs(JsonObject.class).stream()
        .anyMatch(r -> r.getString("metric").equals("GET 64KiB p99 ms")), doc.toString());
  }

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void aCountedPutPhaseStoresExactlyThatManyObjects() throws IOException {
    String endpoint = "http://127.0.0.1:" + port;
    Path json = work.resolve("counted.json");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    // --duration is far shorter than 57 PUTs take on two threads: the count, not the clock,
    // ends the PUT phase; the LIST phase after it stays timed.
    int status = BenchMain.run(new String[] {"run", "--target", "counted=" + endpoint,
        "--access-key", ACCESS_KEY, "--secret-key", SECRET_KEY, "--bucket", "counted-bench",
        "--threads", "2", "--sizes", "1KiB", "--phases", "put,list", "--objects", "57",
        "--duration", "50ms", "--warmup", "0", "--keep", "--json", json.toString()},
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    assertEquals(0, status, out.toString(StandardCharsets.UTF_8));
    JsonObject doc = readJson(json);
    JsonObject put = doc.getJsonArray("results").getValuesAs(JsonObject.class).stream()
        .filter(r -> r.getString("phase").equals("put")).findFirst().orElseThrow();
    assertEquals(57, put.getJsonNumber("ops").longValue(), put.toString());
    assertEquals(0, put.getJsonNumber("errors").longValue(), put.toString());
    try (S3Client s3 = S3Client.builder().endpointOverride(URI.create(endpoint))
        .region(Region.US_EAST_1).forcePathStyle(true)
        .credentialsProvider(StaticCredentialsProvider.create(
            AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
        .build()) {
      int stored = s3.listObjectsV2Paginator(b -> b.bucket("counted-bench")).contents().stream()
          .mapToInt(o -> 1).sum();
      assertEquals(57, stored, "--keep leaves exactly the counted objects in the bucket");
    }
  }

  private static JsonObject readJson(Path file) throws IOException {
    try (JsonReader r = Json.createReader(new StringReader(Files.readString(file)))) {
      return r.readObject();
    }
  }

  private static boolean answersHttp() {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
      s.setSoTimeout(2000);
      OutputStream o = s.getOutputStream();
      o.write(("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      InputStream in = s.getInputStream();
      return new String(in.readNBytes(9), StandardCharsets.US_ASCII).startsWith("HTTP/1.1");
    } catch (IOException e) {
      return false;
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
