package io.needlestack.it.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Writers PUT distinct keys while the server is killed with SIGKILL; after a restart every
 * acknowledged PUT reads back byte for byte and every other key is absent or whole.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class CrashIT extends S3TestSupport {

  /** It kills its server with kill -9 and restarts it. */
  @Override
  protected boolean sharesServer() {
    return false;
  }

  private static final int WRITERS = 8;
  private static final int MAX_SIZE = 3 << 20;

  /** What a writer tried to store under a key: its content, and whether a 200 came back. */
  private record Attempt(GeneratedContent content, boolean acknowledged) {
  }

  @Test
  void acknowledgedWritesSurviveKill9() throws Exception {
    String bucket = createBucket("crash");
    Map<String, Attempt> attempts = new ConcurrentHashMap<>();
    AtomicBoolean killed = new AtomicBoolean();
    AtomicInteger acked = new AtomicInteger();
    CountDownLatch warm = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(WRITERS);
    List<java.util.concurrent.Future<?>> writers = new ArrayList<>();
    try (S3Client writerClient = S3Clients.create(node, ClientVariant.DEFAULT_TRAILER)) {
      for (int w = 0; w < WRITERS; w++) {
        int writer = w;
        writers.add(pool.submit(() -> {
          SplittableRandom rnd = new SplittableRandom(writer);
          long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
          for (int i = 0; !killed.get() && System.nanoTime() < deadline; i++) {
            String key = "w" + writer + "/obj-" + i;
            // Mostly small objects, one in ten up to 3 MiB so some PUTs are cut mid-body.
            int size = rnd.nextInt(10) == 0 ? rnd.nextInt(MAX_SIZE) : rnd.nextInt(64 << 10);
            GeneratedContent c = new GeneratedContent(writer * 1_000_003L + i, size);
            attempts.put(key, new Attempt(c, false));
            try {
              writerClient.putObject(r -> r.bucket(bucket).key(key), body(c));
            } catch (RuntimeException e) {
              if (killed.get()) {
                return; // the server died under this PUT: it stays unacknowledged.
              }
              throw e;
            }
            // Recorded only now that the 200 has been received.
            attempts.put(key, new Attempt(c, true));
            if (acked.incrementAndGet() >= 150) {
              warm.countDown();
            }
          }
        }));
      }
      assertTrue(warm.await(90, TimeUnit.SECONDS), "writers did not get 150 PUTs acknowledged;"
          + " server log:\n" + node.logTail());
      killed.set(true);
      node.kill9();
      for (var f : writers) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }

    node.start(serverHeap());
    // A fresh client: the old one's pooled connections died with the server.
    try (S3Client reader = S3Clients.create(node, ClientVariant.DEFAULT_TRAILER)) {
      int acknowledged = 0;
      int absent = 0;
      int whole = 0;
      for (Map.Entry<String, Attempt> e : attempts.entrySet()) {
        Attempt a = e.getValue();
        if (a.acknowledged()) {
          acknowledged++;
          assertObjectEquals(reader, bucket, e.getKey(), a.content().digests());
        } else if (readIfPresent(reader, bucket, e.getKey(), a.content())) {
          whole++;
        } else {
          absent++;
        }
      }
      List<String> unknown = new ArrayList<>();
      for (S3Object o : reader.listObjectsV2Paginator(r -> r.bucket(bucket)).contents()) {
        if (!attempts.containsKey(o.key())) {
          unknown.add(o.key());
        }
      }
      System.out.printf("[e2e] CrashIT: %d acknowledged PUTs intact; of %d unacknowledged, "
          + "%d absent and %d whole%n", acknowledged, absent + whole, absent, whole);
      assertTrue(acknowledged >= 150);
      // The server takes writes again after the crash.
      GeneratedContent after = new GeneratedContent(-1, 12345);
      put(reader, bucket, "after-restart", after);
      assertObjectEquals(reader, bucket, "after-restart", after.digests());
      // No key may appear that nobody wrote. s3proxy's filesystem back-end lists the temporary
      // file of a PUT cut by SIGKILL as "<key>-<uuid>": a known gap, tolerated only there.
      if (node.target() == Target.S3PROXY) {
        List<String> leftovers = unknown.stream().filter(k -> isTempFileOfUnacknowledged(k,
            attempts)).toList();
        if (!leftovers.isEmpty()) {
          System.out.println("[e2e] CrashIT: s3proxy gap, temporary files listed as keys: "
              + leftovers);
        }
        unknown.removeAll(leftovers);
      }
      assertTrue(unknown.isEmpty(), "keys nobody wrote appear after the restart: " + unknown);
    }
  }

  private static boolean isTempFileOfUnacknowledged(String key, Map<String, Attempt> attempts) {
    int dash = key.length() - 37;
    if (dash <= 0 || key.charAt(dash) != '-'
        || !key.substring(dash + 1).matches("[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}")) {
      return false;
    }
    Attempt a = attempts.get(key.substring(0, dash));
    return a != null && !a.acknowledged();
  }

  /** An unacknowledged key must be absent, or present with exactly the content written. */
  private static boolean readIfPresent(S3Client c, String bucket, String key,
      GeneratedContent expected) {
    try (ResponseInputStream<GetObjectResponse> in = c.getObject(r -> r.bucket(bucket)
        .key(key))) {
      GeneratedContent.Digests got = GeneratedContent.Digests.of(in);
      assertEquals(expected.digests(), got, "unacknowledged " + key + " is half-written");
      return true;
    } catch (NoSuchKeyException e) {
      return false;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (RuntimeException e) {
      return fail("reading unacknowledged " + key + ": " + e, e);
    }
  }
}
