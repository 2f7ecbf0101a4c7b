package io.needlestack.it.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;

/**
 * One server per test class: started before the first test, stopped after the last one even
 * when tests fail. Subclasses get a default client and helpers for generated content.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class S3TestSupport {

  private static final AtomicInteger BUCKETS = new AtomicInteger();

  protected NodeUnderTest node;
  protected S3Client s3;
  private long startedNanos;

  /** The JVM heap the server gets; classes testing memory bounds override it. */
  protected String serverHeap() {
    return NodeUnderTest.DEFAULT_HEAP;
  }

  @BeforeAll
  @Timeout(value = 180, unit = TimeUnit.SECONDS)
  void startServer() {
    startedNanos = System.nanoTime();
    node = Target.startNode(getClass().getSimpleName(), serverHeap());
    s3 = S3Clients.create(node, ClientVariant.DEFAULT_TRAILER);
  }

  @AfterAll
  void stopServer() {
    try {
      if (s3 != null) {
        s3.close();
      }
    } finally {
      if (node != null) {
        node.close();
      }
      System.out.printf(Locale.ROOT, "[e2e] %s against %s: %.1f s%n", getClass().getSimpleName(),
          Target.current(), (System.nanoTime() - startedNanos) / 1e9);
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
