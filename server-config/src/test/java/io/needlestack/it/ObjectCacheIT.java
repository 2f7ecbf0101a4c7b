package io.needlestack.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.needlestack.core.internal.ClusterSecret;
import io.needlestack.gateway.internal.InternalHttp;
import io.needlestack.gateway.internal.InternalNeedleClient;
import io.needlestack.gateway.object.HeadPromise;
import io.needlestack.storage.store.NeedleKey;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.retry.RetryPolicy;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * The gateway object cache on a real three-node cluster (N=3, W=R=D=2, so each gateway reads
 * through a quorum of the replicas) started with {@code needlestack cluster up}: gateway B never
 * serves a version older than the last write acknowledged through gateway A, for small (memory),
 * larger (disk) and chunked objects, ranges included, and not under a concurrent overwrite storm
 * either, although a hot key's GETs skip the HEAD under the replicas' call-back promises; a
 * gateway that holds promises and cannot be told of a write is waited out; the metrics show the
 * hits.
 *
 * <p>With {@code -Dneedlestack.cache.bench=true} it also measures hot 4 KiB GETs with the cache and
 * without (B restarted with {@code needlestack.cache.enabled=false}) and prints the numbers.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ObjectCacheIT {

    private static final int NODES = 3;
    private static final String BUCKET = "cached";
    private static final boolean BENCH = Boolean.getBoolean("needlestack.cache.bench");
    private static final InternalHttp INTERNAL_HTTP = InternalNeedleClient.httpClient(Duration.ofSeconds(3));

    private Path dir;
    private int port;
    private Properties creds;
    private final S3Client[] s3 = new S3Client[NODES];

    @BeforeAll
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void up() throws Exception {
        assumeTrue(NodeProcess.adapterPresent(), "needle-rar has no adapter implementation yet");
        if (BENCH) {
            // Measured with the full JIT, not the C1-only default of the tests.
            System.setProperty("needlestack.it.java.opts", " ");
        }
        port = LocalCluster.freeBasePort(NODES);
        dir = NodeProcess.workDirectory().resolve("cache-" + port);
        // Every node holds every key (N=3): the disk tier takes local bodies only when asked to.
        LocalCluster.Result up = LocalCluster.runWithJavaOpts("-Dneedlestack.cache.disk.local=true", NodeProcess.script(),
                "cluster", "up", "--nodes", Integer.toString(NODES), "--data",
                dir.toString(), "--port", Integer.toString(port), "--consistency", "3,2,2,2", "--wait", "240");
        assertEquals(0, up.exit(), up.output());
        assertTrue(waitForRing(Duration.ofSeconds(90)), "the nodes never placed by a ring of 2:\n" + health(0));
        creds = LocalCluster.conf(dir.resolve("n1").resolve("root.credentials"));
        for (int i = 0; i < NODES; i++) {
            s3[i] = client(i);
        }
        s3[0].createBucket(b -> b.bucket(BUCKET));
    }

    private S3Client client(int i) {
        return S3Client.builder().endpointOverride(URI.create("http://127.0.0.1:" + (port + i)))
                .region(Region.US_EAST_1).forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(
                        creds.getProperty("access_key"), creds.getProperty("secret_key"))))
                .overrideConfiguration(ClientOverrideConfiguration.builder().retryPolicy(RetryPolicy.none())
                        .apiCallTimeout(Duration.ofSeconds(30)).build())
                .httpClientBuilder(ApacheHttpClient.builder().maxConnections(32)).build();
    }

    @AfterAll
    void down() throws Exception {
        for (S3Client c : s3) {
            if (c != null) {
                c.close();
            }
        }
        if (dir != null) {
            LocalCluster.script("cluster", "down", "--data", dir.toString());
            LocalCluster.killLeftovers(dir.resolve("n1"), dir.resolve("n2"), dir.resolve("n3"));
        }
    }

    @Test
    @Order(1)
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void overwritesAndDeletesThroughAAreSeenThroughBAtOnce() throws Exception {
        // 4 KiB: memory tier; 2 MiB: disk tier; 6 MiB: a manifest in memory and two chunks on disk.
        for (int size : new int[] {4096, 2 << 20, 6 << 20}) {
            String key = "obj-" + size;
            byte[] v1 = random(size, 1);
            byte[] v2 = random(size, 2);
            s3[0].putObject(r -> r.bucket(BUCKET).key(key), RequestBody.fromBytes(v1));
            assertArrayEquals(v1, get(1, key), key + " v1 through B");
            assertArrayEquals(v1, get(1, key), key + " v1 through B, cached");
            assertArrayEquals(Arrays.copyOfRange(v1, size / 3, size / 3 + 1000),
                    s3[1].getObjectAsBytes(r -> r.bucket(BUCKET).key(key).range("bytes=" + (size / 3) + "-"
                            + (size / 3 + 999))).asByteArray(), key + " range of v1 through B");
            s3[0].putObject(r -> r.bucket(BUCKET).key(key), RequestBody.fromBytes(v2));
            assertArrayEquals(v2, get(1, key), key + " v2 through B right after the ack");
            assertArrayEquals(Arrays.copyOfRange(v2, size - 100, size),
                    s3[1].getObjectAsBytes(r -> r.bucket(BUCKET).key(key).range("bytes=-100")).asByteArray(),
                    key + " range of v2 through B");
            s3[0].deleteObject(r -> r.bucket(BUCKET).key(key));
            assertThrows(NoSuchKeyException.class, () -> get(1, key), key + " deleted through A, read through B");
            assertThrows(NoSuchKeyException.class, () -> get(0, key), key + " deleted through A, read through A");
        }
        // Read-your-write across gateways, many times in a row on one hot key.
        for (int i = 0; i < 30; i++) {
            byte[] v = body(i, "hot");
            s3[i % 2].putObject(r -> r.bucket(BUCKET).key("hot"), RequestBody.fromBytes(v));
            assertArrayEquals(v, get((i + 1) % 2, "hot"), "write " + i + " through the other gateway");
            assertArrayEquals(v, get((i + 1) % 2, "hot"), "write " + i + " through the other gateway, cached");
        }
    }

    @Test
    @Order(2)
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void readersHammeringBNeverSeeAVersionOlderThanTheLastAcknowledgedWrite() throws Exception {
        int keys = 6;
        AtomicLongArray acknowledged = new AtomicLongArray(keys);
        for (int k = 0; k < keys; k++) {
            int kk = k;
            s3[0].putObject(r -> r.bucket(BUCKET).key("storm" + kk), RequestBody.fromBytes(body(0, "storm" + kk)));
        }
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong reads = new AtomicLong();
        AtomicLong writes = new AtomicLong();
        AtomicLong unavailable = new AtomicLong();
        ConcurrentLinkedQueue<String> violations = new ConcurrentLinkedQueue<>();
        ExecutorService pool = Executors.newFixedThreadPool(7);
        List<Future<?>> tasks = new ArrayList<>();
        try {
            tasks.add(pool.submit(() -> {
                long seq = 0;
                while (!stop.get()) {
                    seq++;
                    int k = (int) (seq % keys);
                    long s = seq;
                    s3[0].putObject(r -> r.bucket(BUCKET).key("storm" + k), RequestBody.fromBytes(body(s, "storm" + k)));
                    acknowledged.set(k, seq);
                    writes.incrementAndGet();
                }
                return null;
            }));
            for (int t = 0; t < 6; t++) {
                int gateway = t < 4 ? 1 : 0;
                tasks.add(pool.submit(() -> {
                    while (!stop.get()) {
                        int k = ThreadLocalRandom.current().nextInt(keys);
                        long floor = acknowledged.get(k);
                        byte[] got;
                        try {
                            got = get(gateway, "storm" + k);
                        } catch (S3Exception e) {
                            // A read whose version is overwritten between the quorum HEAD and the body
                            // read gets 503 (retry) from the replicated read path: no answer, not stale.
                            if (e.statusCode() != 503) {
                                throw e;
                            }
                            unavailable.incrementAndGet();
                            continue;
                        }
                        long seq = seqOf(got);
                        if (!Arrays.equals(got, body(seq, "storm" + k))) {
                            violations.add("storm" + k + " through n" + (gateway + 1) + ": damaged body");
                        } else if (seq < floor) {
                            violations.add("storm" + k + " through n" + (gateway + 1) + ": seq " + seq
                                    + " after " + floor + " was acknowledged");
                        }
                        reads.incrementAndGet();
                    }
                    return null;
                }));
            }
            Thread.sleep(TimeUnit.SECONDS.toMillis(25));
            stop.set(true);
            for (Future<?> f : tasks) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            stop.set(true);
            pool.shutdownNow();
        }
        System.out.printf("overwrite storm: %d acknowledged writes through n1, %d reads, %d answered 503, %d violations%n",
                writes.get(), reads.get(), unavailable.get(), violations.size());
        assertTrue(violations.isEmpty(), String.join("\n", violations.stream().limit(20).toList()));
        assertTrue(writes.get() >= 20 && reads.get() >= 100, writes + " writes, " + reads + " reads");
        assertTrue(unavailable.get() * 10 < reads.get(), unavailable + " of " + reads + " reads answered 503");
    }

    @Test
    @Order(3)
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void aHotKeySkipsTheHeadAndAGatewayThatCannotBeToldOfAWriteIsWaitedOut() throws Exception {
        String key = "promised";
        byte[] v1 = body(1, key);
        byte[] v2 = body(2, key);
        s3[0].putObject(r -> r.bucket(BUCKET).key(key), RequestBody.fromBytes(v1));
        long hitsBefore = plain(metrics(2), "needlestack_cache_pointer_hits_total");
        for (int i = 0; i < 5; i++) {
            assertArrayEquals(v1, get(2, key), "v1 through C");
        }
        String cMetrics = metrics(2);
        assertTrue(plain(cMetrics, "needlestack_cache_pointer_hits_total") >= hitsBefore + 3,
                "C kept the newest version of a hot key under promises and skipped the HEAD:\n" + cMetrics);

        long failuresBefore = plain(metrics(0), "needlestack_cache_callback_failures_total")
                + plain(metrics(1), "needlestack_cache_callback_failures_total")
                + plain(metrics(2), "needlestack_cache_callback_failures_total");
        // A gateway that holds promises and then stops answering: a socket that accepts connections
        // (the kernel's backlog) and never answers. Its promises are asked for with the nodes' own
        // internal client and secret, as a gateway's HEAD asks for them.
        long took;
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            HeadPromise unreachable = new HeadPromise("silent-gateway", "http://127.0.0.1:" + silent.getLocalPort());
            for (int i = 0; i < NODES; i++) {
                assertTrue(internalClient(i).headPromised(NeedleKey.object(BUCKET, key), unreachable).promised(),
                        "n" + (i + 1) + " promised a call-back");
            }
            long t0 = System.nanoTime();
            s3[0].putObject(r -> r.bucket(BUCKET).key(key), RequestBody.fromBytes(v2));
            took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        }
        assertTrue(took >= 2_000 && took < 15_000, "the write was acknowledged after " + took + " ms: the replicas"
                + " must wait out the silent gateway's promise (3 s from when they gave it), and no longer");
        assertTrue(plain(metrics(0), "needlestack_cache_callback_failures_total")
                + plain(metrics(1), "needlestack_cache_callback_failures_total")
                + plain(metrics(2), "needlestack_cache_callback_failures_total") > failuresBefore,
                "no replica counted the silent gateway's call-back as failed");
        assertArrayEquals(v2, get(2, key), "C, which answered its call-backs, reads the new version at once");
        System.out.printf("a write of a key a silent gateway kept was acknowledged after %d ms%n", took);
    }

    private InternalNeedleClient internalClient(int i) {
        return new InternalNeedleClient(URI.create("http://127.0.0.1:" + (port + 2000 + i)),
                ClusterSecret.auth(dir.resolve("n" + (i + 1))), INTERNAL_HTTP, Duration.ofSeconds(10));
    }

    private static long plain(String metrics, String name) {
        Matcher m = Pattern.compile("(?m)^" + name + " (\\d+)$").matcher(metrics);
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    @Test
    @Order(4)
    void theMetricsShowHitsAndMissesPerTier() throws Exception {
        for (int i = 0; i < 5; i++) {
            get(1, "hot");
        }
        String m = metrics(1);
        assertTrue(counter(m, "needlestack_cache_hits_total", "memory") >= 5, m);
        assertTrue(counter(m, "needlestack_cache_misses_total", "memory") >= 1, m);
        assertTrue(counter(m, "needlestack_cache_hits_total", "disk") >= 1, m);
        assertTrue(counter(m, "needlestack_cache_bytes", "memory") >= 4096, m);
        assertTrue(m.contains("needlestack_cache_evictions_total{tier=\"disk\"}"), m);
    }

    @Test
    @Order(5)
    @Timeout(value = 8, unit = TimeUnit.MINUTES)
    void hotSmallObjectsWithAndWithoutTheCache() throws Exception {
        assumeTrue(BENCH, "measured only with -Dneedlestack.cache.bench=true");
        int keys = 64;
        for (int k = 0; k < keys; k++) {
            int kk = k;
            s3[0].putObject(r -> r.bucket(BUCKET).key("bench" + kk), RequestBody.fromBytes(random(4096, kk)));
        }
        s3[1].close();
        String opts = System.getProperty("needlestack.it.java.opts");
        LocalCluster.Result stop = LocalCluster.script("stop", "--data", dir.resolve("n2").toString());
        assertEquals(0, stop.exit(), stop.output());
        System.setProperty("needlestack.it.java.opts", opts + " -Dneedlestack.cache.enabled=false");
        try {
            LocalCluster.Result start = LocalCluster.script("start", "--data", dir.resolve("n2").toString(), "--wait",
                    "240");
            assertEquals(0, start.exit(), start.output());
        } finally {
            System.setProperty("needlestack.it.java.opts", opts);
        }
        assertTrue(waitForRing(Duration.ofSeconds(90)), "n2 did not rejoin the ring");
        s3[1] = client(1);
        long[] pids = {LocalCluster.pid(dir.resolve("n1")), LocalCluster.pid(dir.resolve("n2"))};
        run(0, keys, 8, Duration.ofSeconds(15), pids);
        run(1, keys, 8, Duration.ofSeconds(15), pids);
        double on = 0;
        double off = 0;
        double cpuOn = 0;
        double cpuOff = 0;
        for (int round = 1; round <= 3; round++) {
            double[] a = run(0, keys, 8, Duration.ofSeconds(15), pids);
            double[] b = run(1, keys, 8, Duration.ofSeconds(15), pids);
            on += a[0];
            off += b[0];
            cpuOn += a[1];
            cpuOff += b[1];
            System.out.printf("cluster, round %d: through n1 (cache on) %.0f GET/s %.0f us CPU/GET, through n2 (cache"
                    + " off) %.0f GET/s %.0f us CPU/GET, ratio %.2f (CPU %.2f)%n", round, a[0], a[1], b[0], b[1],
                    a[0] / b[0], b[1] / a[1]);
        }
        System.out.printf("cluster, hot 4 KiB GETs, 8 threads, 64 keys: cache on %.0f GET/s, off %.0f GET/s, speedup"
                + " %.2fx; CPU of both nodes per GET on %.0f us, off %.0f us, %.2fx less%n", on / 3, off / 3, on / off,
                cpuOn / 3, cpuOff / 3, cpuOff / cpuOn);
        assertEquals(0, counter(metrics(1), "needlestack_cache_hits_total", "memory"), "n2 ran with its cache");
        System.out.println("n1 metrics: " + metrics(0).lines().filter(l -> l.startsWith("needlestack_cache")).toList());
    }

    /** GETs per second of 8 threads through one gateway over hot keys, and the nodes' CPU microseconds per GET. */
    private double[] run(int gateway, int keys, int threads, Duration length, long[] pids) throws Exception {
        long cpu0 = ObjectCacheBenchIT.cpuMicros(pids);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        AtomicLong done = new AtomicLong();
        long end = System.nanoTime() + length.toNanos();
        List<Future<?>> tasks = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int t = 0; t < threads; t++) {
            tasks.add(pool.submit(() -> {
                while (System.nanoTime() < end) {
                    int k = ThreadLocalRandom.current().nextInt(keys);
                    s3[gateway].getObjectAsBytes(r -> r.bucket(BUCKET).key("bench" + k));
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
                (ObjectCacheBenchIT.cpuMicros(pids) - cpu0) / (double) done.get()};
    }

    private byte[] get(int gateway, String key) {
        return s3[gateway].getObjectAsBytes(r -> r.bucket(BUCKET).key(key)).asByteArray();
    }

    /** A 4 KiB body that names its sequence number and key and is otherwise derived from them. */
    private static byte[] body(long seq, String key) {
        byte[] b = new byte[4096];
        new Random(seq * 31 + key.hashCode()).nextBytes(b);
        byte[] head = ("seq=" + seq + ";").getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(head, 0, b, 0, head.length);
        return b;
    }

    private static long seqOf(byte[] body) {
        String s = new String(body, 0, Math.min(32, body.length), StandardCharsets.US_ASCII);
        Matcher m = Pattern.compile("^seq=(\\d+);").matcher(s);
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    private static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    private String health(int i) {
        return LocalCluster.health(port + i);
    }

    private String metrics(int i) throws Exception {
        return LocalCluster.metrics(port + i);
    }

    private static long counter(String metrics, String name, String tier) {
        Matcher m = Pattern.compile("(?m)^" + name + "\\{tier=\"" + tier + "\"\\} (\\d+)$").matcher(metrics);
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    private boolean waitForRing(Duration bound) throws InterruptedException {
        return LocalCluster.waitForRing(port, NODES, NODES, bound);
    }
}
