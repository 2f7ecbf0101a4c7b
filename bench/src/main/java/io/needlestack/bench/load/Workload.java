package io.needlestack.bench.load;

import io.needlestack.bench.options.BenchOptions;
import io.needlestack.bench.options.Phase;
import io.needlestack.bench.options.Quantities;
import io.needlestack.bench.options.Target;
import io.needlestack.bench.stats.PhaseStats;
import io.needlestack.bench.stats.PhaseSummary;
import io.needlestack.bench.stats.ResultKey;
import io.needlestack.bench.stats.Results;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * A whole run: for each size, {@code rounds} rounds in which every target runs the phases in
 * order (targets alternate ABBA: A B, then B A, so neither always goes first on a warm disk),
 * a warm-up before a target's first round at a size, and a clean-up of the objects after each.
 * With {@code --prewarm}, every target first gets the same untimed load in turn, from this JVM.
 */
public final class Workload implements AutoCloseable {

  private final BenchOptions options;
  private final PrintStream progress;
  private final Map<String, S3Client> clients = new LinkedHashMap<>();
  private final ExecutorService workers;
  private final PhaseRunner runner;
  private final String runId;

  /** Larger sizes are left out of {@code --prewarm}: they add disk writes, not compiled code. */
  private static final long PREWARM_MAX_SIZE = 1L << 20;

  /** A run of {@code options}; progress lines go to {@code progress}. */
  public Workload(BenchOptions options, PrintStream progress) {
    this.options = options;
    this.progress = progress;
    long largest = options.sizes().get(options.sizes().size() - 1);
    if (largest > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("object sizes above 2 GiB are not supported");
    }
    byte[] payload = new byte[(int) largest];
    ThreadLocalRandom.current().nextBytes(payload);
    this.workers = Executors.newFixedThreadPool(options.threads(), r -> {
      Thread t = new Thread(r, "bench-worker");
      t.setDaemon(true);
      return t;
    });
    this.runner = new PhaseRunner(workers, options.threads(), payload);
    this.runId = Long.toString(System.currentTimeMillis(), 36);
    for (Target t : options.targets()) {
      clients.put(t.label(), S3Clients.create(t, options));
    }
  }

  /** Runs every size, round, target and phase; returns the merged results. */
  public Results run() {
    Results results = new Results();
    for (Target t : options.targets()) {
      ensureBucket(clients.get(t.label()));
    }
    if (!options.prewarm().isZero()) {
      prewarm();
    }
    Set<String> warmed = new HashSet<>();
    for (long size : options.sizes()) {
      for (int round = 1; round <= options.rounds(); round++) {
        List<Target> order = new ArrayList<>(options.targets());
        if (round % 2 == 0) {
          Collections.reverse(order);
        }
        for (Target target : order) {
          S3Client s3 = clients.get(target.label());
          if (!options.warmup().isZero() && warmed.add(target.label() + "/" + size)) {
            warmUp(s3, target, (int) size);
          }
          KeyPool keys = new KeyPool("bench/" + runId + "/" + target.label() + "/"
              + Quantities.formatSize(size) + "/r" + round + "/");
          for (Phase phase : options.phases()) {
            PhaseStats stats = runner.run(s3, options.bucket(), phase, (int) size, keys,
                options.duration().toNanos(), options.objects(), target.rssPid());
            results.merge(new ResultKey(target.label(), phase, size), stats);
            progress.println(progressLine(target, size, round, phase, stats.summary()));
          }
          cleanUp(s3, keys);
        }
      }
    }
    return results;
  }

  /**
   * Untimed load ({@code --prewarm-phases}, by default PUT, GET and mixed) on every target in
   * turn. It runs in this JVM because the client's own JIT is part of what has to warm up: with the AWS SDK compiled cold, 4 KiB PUTs
   * against one server ran at 1,294 ops/s in the first round of a run and 2,394 in the fourth,
   * which penalised whichever target a run measured first.
   */
  private void prewarm() {
    List<Long> sizes = new ArrayList<>();
    for (long size : options.sizes()) {
      if (size <= PREWARM_MAX_SIZE) {
        sizes.add(size);
      }
    }
    if (sizes.isEmpty()) {
      sizes.add(options.sizes().get(0));
    }
    for (Target target : options.targets()) {
      S3Client s3 = clients.get(target.label());
      for (long size : sizes) {
        progress.printf(Locale.ROOT, "[%s %s] pre-warm: %s, %d ms each%n", target.label(),
            Quantities.formatSize(size),
            options.prewarmPhases().stream().map(Phase::label).collect(Collectors.joining(", ")),
            options.prewarm().toMillis());
        KeyPool keys = new KeyPool("bench/" + runId + "/" + target.label() + "/prewarm/"
            + Quantities.formatSize(size) + "/");
        for (Phase phase : options.prewarmPhases()) {
          runner.run(s3, options.bucket(), phase, (int) size, keys, options.prewarm().toNanos(), 0, 0);
        }
        cleanUp(s3, keys);
      }
    }
  }

  private void warmUp(S3Client s3, Target target, int size) {
    progress.printf(Locale.ROOT, "[%s %s] warm-up %d ms%n", target.label(),
        Quantities.formatSize(size), options.warmup().toMillis());
    KeyPool keys = new KeyPool("bench/" + runId + "/" + target.label() + "/warmup/"
        + Quantities.formatSize(size) + "/");
    long half = options.warmup().toNanos() / 2;
    runner.run(s3, options.bucket(), Phase.PUT, size, keys, half, 0, 0);
    runner.run(s3, options.bucket(), Phase.GET, size, keys, half, 0, 0);
    cleanUp(s3, keys);
  }

  /** Deletes what a round left (untimed), unless {@code --keep}. */
  private void cleanUp(S3Client s3, KeyPool keys) {
    if (options.keep() || keys.size() == 0) {
      return;
    }
    List<Future<?>> done = new ArrayList<>();
    for (int t = 0; t < options.threads(); t++) {
      done.add(workers.submit(() -> {
        String key;
        while ((key = keys.take()) != null) {
          String k = key;
          try {
            s3.deleteObject(b -> b.bucket(options.bucket()).key(k));
          } catch (RuntimeException e) {
            // Clean-up is best effort: a leftover object costs disk space, not correctness.
          }
        }
      }));
    }
    for (Future<?> f : done) {
      try {
        f.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (ExecutionException e) {
        // see above
      }
    }
  }

  private void ensureBucket(S3Client s3) {
    try {
      s3.createBucket(b -> b.bucket(options.bucket()));
    } catch (BucketAlreadyOwnedByYouException e) {
      // reused from an earlier run
    } catch (S3Exception e) {
      if (e.statusCode() != 409) {
        throw e;
      }
    }
  }

  /**
   * Uploads one object of the first size at {@code --key} to the first target and returns a
   * presigned GET URL for it (for wrk, curl and other plain HTTP tools).
   */
  public String presign() {
    Target target = options.targets().get(0);
    S3Client s3 = clients.get(target.label());
    ensureBucket(s3);
    int size = options.sizes().get(0).intValue();
    byte[] body = new byte[size];
    ThreadLocalRandom.current().nextBytes(body);
    s3.putObject(b -> b.bucket(options.bucket()).key(options.key()), RequestBody.fromBytes(body));
    try (S3Presigner presigner = S3Clients.presigner(target, options)) {
      return presigner.presignGetObject(p -> p.signatureDuration(options.expires())
          .getObjectRequest(g -> g.bucket(options.bucket()).key(options.key())))
          .url().toString();
    }
  }

  private static String progressLine(Target target, long size, int round, Phase phase,
      PhaseSummary s) {
    return String.format(Locale.ROOT,
        "[%s %s r%d %s] %.1f ops/s %.2f MB/s p50 %.2f ms p99 %.2f ms (%d ops, %d errors)",
        target.label(), Quantities.formatSize(size), round, phase.label(), s.opsPerSecond(),
        s.megabytesPerSecond(), s.p50Millis(), s.p99Millis(), s.ops(), s.errors());
  }

  @Override
  public void close() {
    clients.values().forEach(S3Client::close);
    workers.shutdownNow();
    try {
      workers.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
