package io.needlestack.it.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;

/**
 * The server a test class runs against: shared with the other classes of the run
 * ({@link SharedServers}), or, for a class that kills it or measures it alone, its own, started
 * before the first test and stopped after the last one even when tests fail. Subclasses get a
 * default client and helpers for generated content.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(SharedServers.class)
abstract class S3TestSupport {

  private static final AtomicInteger BUCKETS = new AtomicInteger();

  protected NodeUnderTest node;
  protected S3Client s3;
  private long startedNanos;
  private boolean shared;

  /** The JVM heap the server gets; classes testing memory bounds override it. */
  protected String serverHeap() {
    return NodeUnderTest.DEFAULT_HEAP;
  }

  /**
   * Whether this class runs against the run's shared server. A class that stops or kills its
   * server, changes what other classes rely on, or measures the server alone answers false.
   */
  protected boolean sharesServer() {
    return true;
  }

  /** Called by {@link SharedServers} before {@link #startServer()}. */
  void useSharedServer(NodeUnderTest server) {
    node = server;
    shared = true;
  }

  @BeforeAll
  @Timeout(value = 180, unit = TimeUnit.SECONDS)
  void startServer() {
    startedNanos = System.nanoTime();
    if (shared) {
      assertTrue(node.isRunning(), "the shared server died; its log:\n" + node.logTail());
    } else {
      node = Target.startNode(getClass().getSimpleName(), serverHeap());
    }
    s3 = S3Clients.create(node, ClientVariant.DEFAULT_TRAILER);
  }

  @AfterAll
  void stopServer() {
    try {
      if (s3 != null) {
        s3.close();
      }
    } finally {
      if (node != null && !shared) {
        node.close();
      }
      System.out.printf(Locale.ROOT, "[e2e] %s against %s (%s server): %.1f s%n", getClass().getSimpleName(),
          Target.current(), shared ? "shared" : "own", (System.nanoTime() - startedNanos) / 1e9);
    }
  }

  /** A fresh, valid, unique bucket name. */
  protected static String bucketName(String hint) {
    return (hint + "-" + Long.toString(System.currentTimeMillis() % 100_000_000, 36) + "-"
        + BUCKETS.incrementAndGet()).toLowerCase(Locale.ROOT);
  }

  protected String createBucket(String hint) {
    String b = bucketName(hint);
    s3.createBucket(r -> r.bucket(b));
    return b;
  }

  static RequestBody body(GeneratedContent c) {
    return RequestBody.fromContentProvider(c::open, c.length(), "application/octet-stream");
  }

  protected PutObjectResponse put(S3Client client, String bucket, String key, GeneratedContent c) {
    return client.putObject(r -> r.bucket(bucket).key(key), body(c));
  }

  /** Streams the object once, checking its length and digests against the expected ones. */
  protected static void assertObjectEquals(S3Client client, String bucket, String key,
      GeneratedContent.Digests expected) {
    try (ResponseInputStream<GetObjectResponse> in =
             client.getObject(r -> r.bucket(bucket).key(key))) {
      assertEquals(expected.length(), in.response().contentLength(), "Content-Length of " + key);
      GeneratedContent.Digests got = GeneratedContent.Digests.of(in);
      assertEquals(expected, got, "content of " + bucket + "/" + key);
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + key, e);
    }
  }

  protected static byte[] readAll(InputStream in) {
    try (in) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
