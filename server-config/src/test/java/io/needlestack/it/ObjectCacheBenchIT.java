package io.needlestack.it;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A measurement, not a test of a bound: hot 4 KiB GETs (8 threads, 64 keys, AWS SDK v2) against
 * two single nodes running side by side, one with the object cache and one with
 * {@code needlestack.cache.enabled=false}, in alternating rounds. Runs only with
 * {@code -Dneedlestack.cache.bench=true}; prints the numbers. The cluster measurement is in
 * {@link ObjectCacheIT}.
 */
class ObjectCacheBenchIT {

    private static final int KEYS = 64;

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void hotSmallObjectsOnOneNodeWithAndWithoutTheCache() throws Exception {
        assumeTrue(Boolean.getBoolean("needlestack.cache.bench"), "measured only with -Dneedlestack.cache.bench=true");
        assumeTrue(NodeProcess.adapterPresent(), "needle-rar has no adapter implementation yet");
        try (NodeProcess on = NodeProcess.builder("cache-on").javaOpts("").start();
             NodeProcess off = NodeProcess.builder("cache-off").javaOpts("-Dneedlestack.cache.enabled=false").start();
             S3Client withCache = client(on);
             S3Client without = client(off)) {
            for (S3Client c : List.of(withCache, without)) {
                c.createBucket(b -> b.bucket("bench"));
                for (int k = 0; k < KEYS; k++) {
                    byte[] data = new byte[4096];
                    new Random(k).nextBytes(data);
                    int kk = k;
                    c.putObject(r -> r.bucket("bench").key("k" + kk), RequestBody.fromBytes(data));
                }
            }
            run(withCache, Duration.ofSeconds(15), on.pid());
            run(without, Duration.ofSeconds(15), off.pid());
            double sumOn = 0;
            double sumOff = 0;
            double cpuOn = 0;
            double cpuOff = 0;
            for (int round = 1; round <= 3; round++) {
                double[] a = run(withCache, Duration.ofSeconds(15), on.pid());
                double[] b = run(without, Duration.ofSeconds(15), off.pid());
                sumOn += a[0];
                sumOff += b[0];
                cpuOn += a[1];
                cpuOff += b[1];
                System.out.printf("one node, round %d: cache on %.0f GET/s %.0f us CPU/GET, cache off %.0f GET/s %.0f us"
                        + " CPU/GET, ratio %.2f (CPU %.2f)%n", round, a[0], a[1], b[0], b[1], a[0] / b[0], b[1] / a[1]);
            }
            System.out.printf("one node, hot 4 KiB GETs, 8 threads, 64 keys: cache on %.0f GET/s, off %.0f GET/s,"
                    + " speedup %.2fx; node CPU per GET on %.0f us, off %.0f us, %.2fx less%n", sumOn / 3, sumOff / 3,
                    sumOn / sumOff, cpuOn / 3, cpuOff / 3, cpuOff / cpuOn);
            String offMetrics = metrics(off);
            assertTrue(offMetrics.contains("needlestack_cache_hits_total{tier=\"memory\"} 0\n"),
                    "the node without cache served hits:\n" + offMetrics);
            System.out.println("cache-on metrics: " + metrics(on).lines().filter(l -> l.startsWith("needlestack_cache"))
                    .toList());
        }
    }

    private static S3Client client(NodeProcess node) {
        return S3Client.builder().endpointOverride(node.endpoint()).region(Region.US_EAST_1).forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(node.accessKey(),
                        node.secretKey())))
                .httpClientBuilder(ApacheHttpClient.builder().maxConnections(32)).build();
    }

    private static String metrics(NodeProcess node) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(node.endpoint().resolve("/_metrics"))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    /** CPU time the processes have used so far, in microseconds. */
    static long cpuMicros(long... pids) {
        long sum = 0;
        for (long pid : pids) {
            sum += ProcessHandle.of(pid).flatMap(h -> h.info().totalCpuDuration()).map(d -> d.toNanos() / 1000)
                    .orElse(0L);
        }
        return sum;
    }

    /** GETs per second of 8 threads over the hot keys, and CPU microseconds the nodes spent per GET. */
    private static double[] run(S3Client s3, Duration length, long... pids) throws Exception {
        long cpu0 = cpuMicros(pids);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        AtomicLong done = new AtomicLong();
        long t0 = System.nanoTime();
        long end = t0 + length.toNanos();
        List<Future<?>> tasks = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            tasks.add(pool.submit(() -> {
                while (System.nanoTime() < end) {
                    int k = ThreadLocalRandom.current().nextInt(KEYS);
                    s3.getObjectAsBytes(r -> r.bucket("bench").key("k" + k));
                    done.incrementAndGet();
                }
                return null;
            }));
        }
        for (Future<?> f : tasks) {
            f.get(2, TimeUnit.MINUTES);
        }
        pool.shutdown();
        return new double[] {done.get() / ((System.nanoTime() - t0) / 1e9),
                (cpuMicros(pids) - cpu0) / (double) done.get()};
    }
}
