package io.needlestack.bench.load;

import io.needlestack.bench.options.Phase;
import io.needlestack.bench.stats.PhaseStats;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

/**
 * Runs one timed phase: every worker thread issues operations back to back until the deadline
 * (an operation under way finishes and counts), each into its own {@link PhaseStats}; the wall
 * time runs from the start until the last thread is done.
 */
final class PhaseRunner {

  /** Failures after which a thread leaves a counted PUT phase (see {@code --objects}). */
  private static final int MAX_COUNTED_PUT_ERRORS = 1_000;

  private final ExecutorService workers;
  private final int threads;
  private final byte[] payload;

  PhaseRunner(ExecutorService workers, int threads, byte[] payload) {
    this.workers = workers;
    this.threads = threads;
    this.payload = payload;
  }

  /**
   * Runs {@code phase} for {@code durationNanos}, or, when {@code objects} is above zero and the
   * phase is PUT, until that many objects are written.
   */
  PhaseStats run(S3Client s3, String bucket, Phase phase, int size, KeyPool keys,
      long durationNanos, long objects, long rssPid) {
    PhaseStats total = new PhaseStats();
    List<Future<PhaseStats>> futures = new ArrayList<>(threads);
    try (RssSampler rss = new RssSampler(rssPid)) {
      long start = System.nanoTime();
      long limit = phase == Phase.PUT ? objects : 0;
      // A counted PUT phase ends when its keys run out, not at a deadline.
      long deadline = limit > 0 ? Long.MAX_VALUE : start + durationNanos;
      for (int t = 0; t < threads; t++) {
        futures.add(workers.submit(() -> work(s3, bucket, phase, size, keys, deadline, limit)));
      }
      for (Future<PhaseStats> f : futures) {
        try {
          total.add(f.get());
        } catch (ExecutionException e) {
          total.recordError("worker failed: " + e.getCause());
        }
      }
      total.addElapsed(System.nanoTime() - start);
      if (rssPid > 0) {
        total.observeRss(rss.max());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      futures.forEach(f -> f.cancel(true));
      throw new IllegalStateException("interrupted during the " + phase.label() + " phase", e);
    }
    return total;
  }

  private PhaseStats work(S3Client s3, String bucket, Phase phase, int size, KeyPool keys,
      long deadline, long limit) {
    PhaseStats stats = new PhaseStats();
    byte[] sink = new byte[64 << 10];
    while (System.nanoTime() < deadline && !Thread.currentThread().isInterrupted()) {
      Phase op = phase;
      if (phase == Phase.MIXED) {
        op = ThreadLocalRandom.current().nextInt(100) < 80 ? Phase.GET : Phase.PUT;
      }
      String key = switch (op) {
        case PUT -> limit > 0 ? keys.newKeyUpTo(limit) : keys.newKey();
        case GET -> keys.random();
        case DELETE -> keys.take();
        default -> keys.prefix();
      };
      if (key == null) {
        // Nothing (left) to read or delete: the PUT phase wrote nothing or DELETE is done.
        break;
      }
      long t0 = System.nanoTime();
      try {
        long moved = switch (op) {
          case PUT -> put(s3, bucket, key, size);
          case GET -> get(s3, bucket, key, size, sink);
          case DELETE -> {
            s3.deleteObject(b -> b.bucket(bucket).key(key));
            yield 0;
          }
          default -> {
            s3.listObjectsV2(b -> b.bucket(bucket).prefix(keys.prefix()).maxKeys(1000));
            yield 0;
          }
        };
        stats.recordSuccess(System.nanoTime() - t0, moved);
        if (op == Phase.PUT) {
          keys.written(key);
        }
      } catch (RuntimeException | IOException e) {
        stats.recordError(op.label() + " " + key + ": " + e);
        if (op == Phase.DELETE) {
          keys.written(key);
        } else if (op == Phase.PUT && limit > 0) {
          keys.retry(key);
          if (stats.errors() > MAX_COUNTED_PUT_ERRORS) {
            // A counted phase has no deadline: a server that keeps failing must still end it.
            break;
          }
        }
        pause();
      }
    }
    return stats;
  }

  private long put(S3Client s3, String bucket, String key, int size) {
    s3.putObject(b -> b.bucket(bucket).key(key).contentLength((long) size)
            .contentType("application/octet-stream"),
        RequestBody.fromContentProvider(() -> new ByteArrayInputStream(payload, 0, size), size,
            "application/octet-stream"));
    return size;
  }

  private static long get(S3Client s3, String bucket, String key, int size, byte[] sink)
      throws IOException {
    long n = 0;
    try (ResponseInputStream<GetObjectResponse> in =
        s3.getObject(b -> b.bucket(bucket).key(key))) {
      n = drain(in, sink);
    }
    if (n != size) {
      throw new IOException("GET " + key + " returned " + n + " bytes, expected " + size);
    }
    return n;
  }

  private static long drain(InputStream in, byte[] sink) throws IOException {
    long n = 0;
    int r;
    while ((r = in.read(sink)) > 0) {
      n += r;
    }
    return n;
  }

  /** After a failure, a short pause, so that a dead server does not turn into a busy loop. */
  private static void pause() {
    try {
      Thread.sleep(20);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
