package io.needlestack.it.s3;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * s3proxy 4.x ({@code jar-with-dependencies}, copied by the build into {@code it.s3proxy.jar}) on
 * the jclouds {@code filesystem-nio2} back-end, run as its own {@code java -jar} process.
 */
final class S3ProxyNode implements NodeUnderTest {

  private static final long START_TIMEOUT_MS = 90_000;

  private final Path workDir;
  private final Path dataDir;
  private final Path log;
  private final int port;
  private final String accessKey = "AKIAE2ETESTROOT00001";
  private final String secretKey = "e2eSecretKeyForS3ProxyTests0000000000001";
  private Process process;

  S3ProxyNode(Path workDir) {
    this.workDir = workDir;
    this.dataDir = workDir.resolve("data");
    this.log = workDir.resolve("s3proxy.log");
    this.port = freePort();
    try {
      Files.createDirectories(dataDir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public URI endpoint() {
    // s3proxy.virtual-host=localhost takes every other Host name (127.0.0.1 included) for a
    // CNAME-style bucket name, so clients must say "localhost"; it resolves to 127.0.0.1 here.
    return URI.create("http://localhost:" + port);
  }

  @Override
  public String accessKey() {
    return accessKey;
  }

  @Override
  public String secretKey() {
    return secretKey;
  }

  @Override
  public String region() {
    return "us-east-1";
  }

  @Override
  public Target target() {
    return Target.S3PROXY;
  }

  @Override
  public synchronized void start(String maxHeap) {
    if (isRunning()) {
      throw new IllegalStateException("s3proxy already runs on port " + port);
    }
    Path jar = Path.of(System.getProperty("it.s3proxy.jar", "target/it-tools/s3proxy.jar"));
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException("s3proxy jar missing at " + jar.toAbsolutePath()
          + " (the build copies it in pre-integration-test)");
    }
    Path props = workDir.resolve("s3proxy.properties");
    try {
      Files.writeString(props, String.join("\n",
          "s3proxy.endpoint=http://127.0.0.1:" + port,
          "s3proxy.authorization=aws-v2-or-v4",
          "s3proxy.identity=" + accessKey,
          "s3proxy.credential=" + secretKey,
          // Lets http://bucket.localhost:port/key address the bucket (virtual-host style).
          "s3proxy.virtual-host=localhost",
          // s3proxy buffers non-chunked SigV4 bodies to verify them; the tests send 100 MiB.
          "s3proxy.v4-max-non-chunked-request-size=" + (160L << 20),
          "jclouds.provider=filesystem-nio2",
          "jclouds.filesystem.basedir=" + dataDir,
          ""));
      List<String> cmd = new ArrayList<>(List.of(
          Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-Xmx" + maxHeap,
          "-Djava.io.tmpdir=" + Files.createDirectories(workDir.resolve("tmp")),
          "-jar", jar.toAbsolutePath().toString(),
          "--properties", props.toString()));
      process = new ProcessBuilder(cmd)
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
          .start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start s3proxy", e);
    }
    ProcessReaper.register(process);
    awaitReady();
  }

  private void awaitReady() {
    long deadline = System.currentTimeMillis() + START_TIMEOUT_MS;
    while (System.currentTimeMillis() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("s3proxy exited with " + process.exitValue()
            + " while starting; log:\n" + logTail());
      }
      if (answersHttp()) {
        return;
      }
      sleep(200);
    }
    kill9();
    throw new IllegalStateException("s3proxy did not answer within " + START_TIMEOUT_MS
        + " ms; log:\n" + logTail());
  }

  /** Any HTTP status line counts: an anonymous GET / is refused, but the server is up. */
  private boolean answersHttp() {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
      s.setSoTimeout(2000);
      OutputStream out = s.getOutputStream();
      out.write(("GET / HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nConnection: close\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      byte[] head = in.readNBytes(12);
      return new String(head, StandardCharsets.US_ASCII).startsWith("HTTP/1.1 ");
    } catch (IOException e) {
      return false;
    }
  }

  @Override
  public synchronized void kill9() {
    if (process == null) {
      return;
    }
    // On Linux destroyForcibly() is SIGKILL: no shutdown hook or flush runs in the server.
    process.destroyForcibly();
    waitExit(30);
  }

  @Override
  public synchronized void stop() {
    if (process == null) {
      return;
    }
    process.destroy();
    if (!waitExit(20)) {
      kill9();
    }
  }

  private boolean waitExit(int seconds) {
    try {
      boolean exited = process.waitFor(seconds, TimeUnit.SECONDS);
      if (exited) {
        ProcessReaper.unregister(process);
      }
      return exited;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  @Override
  public synchronized boolean isRunning() {
    return process != null && process.isAlive();
  }

  @Override
  public String logTail() {
    try {
      if (!Files.exists(log)) {
        return "(no log)";
      }
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException | RuntimeException e) {
      return "(log unreadable: " + e + ")";
    }
  }

  @Override
  public synchronized void close() {
    try {
      stop();
    } catch (RuntimeException e) {
      if (process != null) {
        process.destroyForcibly();
      }
    }
  }

  static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for s3proxy", e);
    }
  }
}
