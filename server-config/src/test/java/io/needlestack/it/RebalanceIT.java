package io.needlestack.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.needlestack.core.internal.ClusterSecret;
import io.needlestack.core.ring.Ring;
import io.needlestack.core.ring.RingCodec;
import io.needlestack.core.ring.RingNode;
import io.needlestack.core.ring.Token;
import io.needlestack.gateway.internal.InternalHttp;
import io.needlestack.gateway.internal.InternalNeedleClient;
import io.needlestack.storage.store.NeedleKey;
import io.needlestack.storage.store.NeedleKind;
import io.needlestack.storage.store.NeedleRecord;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
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

/**
 * Rebalance on real nodes (N=3, W=2, R=2, D=2: read-after-write holds during the move): a writer
 * keeps PUTting objects (small ones and some of two 5 MiB chunks) through every gateway while a
 * fourth node is started, attached and the ring rebalanced; once every node reports the rebalance
 * done, every acknowledged object reads back byte for byte and every needle (objects and chunks)
 * is stored on exactly the nodes the new ring names, asked through each node's internal data
 * plane. Then the fourth node is detached, killed with {@code kill -9} while it hands its share
 * over and restarted, and the same holds on three nodes, the fourth empty.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RebalanceIT {

    /** One pooled transport for the test's internal-plane clients (daemon threads; lives as long as the JVM). */
    private static final InternalHttp INTERNAL_HTTP = InternalNeedleClient.httpClient(Duration.ofSeconds(3));

    private static final int NODES = 4;
    private static final String BUCKET = "rebal";
    private static final int CHUNK = 5 * 1024 * 1024;
    /** At most 20 PUTs a second from the writer. */
    private static final long WRITER_PERIOD_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
    private static final Pattern REBALANCE = Pattern.compile(
            "\"rebalance\":\\{\"inProgress\":(true|false),\"fromVersion\":(\\d+),\"toVersion\":(\\d+),\"done\":(true|false)");
    private static final Pattern SECONDS = Pattern.compile("\"seconds\":([0-9.Ee+-]+),\"waitingFor\"");

    private Path dir;
    private int port;
    private String clusterName;
    private final S3Client[] s3 = new S3Client[NODES];
    private final String[] ids = new String[NODES];
    /** Acknowledged objects: key to MD5 and size (the bytes are derived again from the key's seed). */
    private final Map<String, long[]> sizes = new ConcurrentHashMap<>();
    private final Map<String, String> md5s = new ConcurrentHashMap<>();
    private final AtomicInteger failedPuts = new AtomicInteger();
    private Thread writer;
    private final AtomicBoolean writing = new AtomicBoolean();
    private final AtomicLong sequence = new AtomicLong();

    @BeforeAll
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void up() throws Exception {
        assumeTrue(NodeProcess.adapterPresent(), "needle-rar has no adapter implementation yet");
        port = LocalCluster.freeBasePort(NODES);
        dir = NodeProcess.workDirectory().resolve("rebalance-" + port);
        LocalCluster.Result up = LocalCluster.script("cluster", "up", "--nodes", "3", "--data", dir.toString(),
                "--port", Integer.toString(port), "--consistency", "3,2,2,2", "--wait", "240");
        assertEquals(0, up.exit(), up.output());
        clusterName = LocalCluster.conf(dir.resolve("cluster.conf")).getProperty("cluster_name");
        for (int i = 0; i < 3; i++) {
            ids[i] = Files.readString(node(i).resolve("node.id")).trim();
            s3[i] = client(i);
        }
        assertTrue(waitForRingMembers(3, 3, Duration.ofSeconds(90)), "the nodes never placed by a ring of 3");
        s3[0].createBucket(b -> b.bucket(BUCKET));
    }

    @AfterAll
    void down() throws Exception {
        stopWriter();
        for (S3Client c : s3) {
            if (c != null) {
                c.close();
            }
        }
        if (dir != null) {
            if (Files.exists(node(3).resolve("node.pid"))) {
                LocalCluster.script("stop", "--data", node(3).toString());
            }
            LocalCluster.script("cluster", "down", "--data", dir.toString());
            LocalCluster.killLeftovers(node(0), node(1), node(2), node(3));
        }
    }

    @Test
    @Order(1)
    @Timeout(value = 15, unit = TimeUnit.MINUTES)
    void attachingAFourthNodeMovesExactlyItsShareWhileWritesGoOn() throws Exception {
        startWriter(3);
        // 200 objects (and some chunks) in these 10 s, as many again while n4 boots: 366 to 459
        // stored before the move in the runs measured, enough that it takes a while.
        Thread.sleep(10_000);
        String members = "127.0.0.1:" + (port + 1000) + ",127.0.0.1:" + (port + 1001) + ",127.0.0.1:" + (port + 1002)
                + ",127.0.0.1:" + (port + 1003);
        LocalCluster.Result started = LocalCluster.script("start", "--name", "n4", "--data", node(3).toString(),
                "--port", Integer.toString(port + 3), "--bind", "127.0.0.1", "--hz-port", Integer.toString(port + 1003),
                "--internal-port", Integer.toString(port + 2003), "--roles", "gateway,storage", "--cluster", members,
                "--cluster-name", clusterName, "--consistency", "3,2,2,2", "--secret-from",
                dir.resolve("cluster.secret").toString(), "--wait", "240");
        assertEquals(0, started.exit(), started.output());
        ids[3] = Files.readString(node(3).resolve("node.id")).trim();
        s3[3] = client(3);
        admUntilOk(Duration.ofSeconds(90), "attach", ids[3]);
        long before = sizes.size();
        long t0 = System.nanoTime();
        String rebalance = adm("rebalance").output();
        System.out.println("attach: " + rebalance.trim());
        double[] took = waitForRebalanceDone(Duration.ofMinutes(6));
        double wall = (System.nanoTime() - t0) / 1e9;
        stopWriter();
        assertTrue(waitForRingMembers(4, NODES, Duration.ofSeconds(60)), "not every node places by the ring of 4");
        System.out.println(adm("status").output());
        System.out.printf("REBALANCE attach n4: %d objects stored before, %d acknowledged in all (%d written during"
                + " the move), %d failed PUTs; done after %.1f s (wall, from the rebalance command to every node done),"
                + " %.1f s by the nodes' reports%n", before, sizes.size(), sizes.size() - before, failedPuts.get(), wall,
                took[0]);
        verifyEverything(4);
    }

    @Test
    @Order(2)
    @Timeout(value = 15, unit = TimeUnit.MINUTES)
    void detachingItAgainMovesItsShareBackAndLeavesItEmptyEvenWhenItIsKilledMidway() throws Exception {
        // Not through n4: it is killed meanwhile.
        startWriter(3);
        Thread.sleep(5_000);
        adm("detach", ids[3]);
        long before = sizes.size();
        long t0 = System.nanoTime();
        String rebalance = adm("rebalance").output();
        System.out.println("detach: " + rebalance.trim());
        // The detached node is the source of every copy: kill -9 it in the middle and restart it.
        long copied = waitForCopies(ids[3], 40, Duration.ofSeconds(90));
        LocalCluster.kill9(node(3));
        System.out.println("killed n4 (kill -9) after it had copied " + copied + " needles; restarting it");
        LocalCluster.Result restarted = LocalCluster.script("start", "--data", node(3).toString(), "--wait", "240");
        assertEquals(0, restarted.exit(), restarted.output());
        double[] took = waitForRebalanceDone(Duration.ofMinutes(6));
        double wall = (System.nanoTime() - t0) / 1e9;
        stopWriter();
        assertTrue(waitForRingMembers(3, NODES, Duration.ofSeconds(60)), "not every node places by the ring of 3");
        System.out.println(adm("status").output());
        System.out.printf("REBALANCE detach n4: %d objects stored before, %d acknowledged in all (%d written during"
                + " the move), %d failed PUTs; done after %.1f s (wall, a kill -9 and restart of n4 included), %.1f s by"
                + " the nodes' reports%n", before,
                sizes.size(), sizes.size() - before, failedPuts.get(), wall, took[0]);
        verifyEverything(3);
    }

    /** Every acknowledged object reads back whole, and every needle is exactly on its owners. */
    private void verifyEverything(int readers) throws Exception {
        Ring ring = RingCodec.decode(Files.readAllBytes(node(0).resolve("ring/current.ring")));
        InternalNeedleClient[] internal = new InternalNeedleClient[NODES];
        for (int i = 0; i < NODES; i++) {
            internal[i] = new InternalNeedleClient(URI.create("http://127.0.0.1:" + (port + 2000 + i)),
                    ClusterSecret.auth(node(i)), INTERNAL_HTTP,
                    Duration.ofSeconds(20));
        }
        long t0 = System.nanoTime();
        int needles = 0;
        List<String> misplaced = new ArrayList<>();
        int reads = 0;
        for (String key : new TreeSet<>(md5s.keySet())) {
            String expectedMd5 = md5s.get(key);
            long size = sizes.get(key)[0];
            // Read back byte for byte through one of the gateways (all of them over the run).
            byte[] got = s3[reads++ % readers].getObjectAsBytes(r -> r.bucket(BUCKET).key(key)).asByteArray();
            assertEquals(size, got.length, key + " length");
            assertEquals(expectedMd5, md5(got), key + " differs");
            NeedleKey object = NeedleKey.object(BUCKET, key);
            String versionId = null;
            for (int i = 0; i < NODES; i++) {
                Optional<NeedleRecord> r = internal[i].head(object);
                if (r.isPresent()) {
                    versionId = r.get().versionId();
                }
            }
            List<NeedleKey> keys = new ArrayList<>(List.of(object));
            if (size > CHUNK) {
                for (int c = 0; c * (long) CHUNK < size; c++) {
                    keys.add(new NeedleKey(NeedleKind.CHUNK, BUCKET, key + "\n" + versionId + "\n" + c));
                }
            }
            for (NeedleKey k : keys) {
                needles++;
                Set<String> owners = ring.replicas(BUCKET, k.kind() == NeedleKind.OBJECT ? k.name()
                        : k.kind().name() + "/" + k.name()).stream().map(RingNode::id).collect(Collectors.toSet());
                Set<String> holders = new TreeSet<>();
                for (int i = 0; i < NODES; i++) {
                    if (internal[i].head(k).filter(r -> !r.tombstone()).isPresent()) {
                        holders.add(ids[i]);
                    }
                }
                if (!holders.equals(owners)) {
                    misplaced.add(k.kind() + " " + k.name().replace("\n", "\\n") + " on " + holders + ", ring says "
                            + owners);
                }
            }
        }
        System.out.printf("verified %d objects (%d needles) on ring v%d in %.1f s%n", md5s.size(), needles,
                ring.version(), (System.nanoTime() - t0) / 1e9);
        assertTrue(misplaced.isEmpty(), misplaced.size() + " needles not where the ring says, e.g. "
                + misplaced.subList(0, Math.min(10, misplaced.size())));
        assertTrue(md5s.size() > 100, "too few objects to prove anything: " + md5s.size());
    }

    private void startWriter(int gateways) {
        writing.set(true);
        writer = new Thread(() -> {
            // Paced, so the number of objects to verify afterwards depends on how long the move takes, not on how
            // fast a PUT is (unpaced, faster PUTs made this the longest class in CI).
            long next = System.nanoTime();
            while (writing.get()) {
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                    continue;
                }
                next = Math.max(next, System.nanoTime() - WRITER_PERIOD_NANOS) + WRITER_PERIOD_NANOS;
                long n = sequence.incrementAndGet();
                String key = String.format("obj-%06d", n);
                Random random = new Random(n);
                // One in 60 is a multi-chunk object (5 MiB + up to 1 MiB: two chunks).
                int size = n % 60 == 7 ? CHUNK + 1 + random.nextInt(1 << 20) : 512 + random.nextInt(48 * 1024);
                byte[] data = new byte[size];
                random.nextBytes(data);
                try {
                    s3[(int) (n % gateways)].putObject(r -> r.bucket(BUCKET).key(key), RequestBody.fromBytes(data));
                    md5s.put(key, md5(data));
                    sizes.put(key, new long[] {size});
                } catch (Exception e) {
                    failedPuts.incrementAndGet();
                    System.out.println("PUT " + key + " failed: " + e);
                }
            }
        }, "rebalance-it-writer");
        writer.setDaemon(true);
        writer.start();
    }

    private void stopWriter() throws InterruptedException {
        writing.set(false);
        if (writer != null) {
            writer.join(120_000);
            writer = null;
        }
    }

    /** Waits until the manager reports the last rebalance done and the previous ring withdrawn; the nodes' seconds. */
    private double[] waitForRebalanceDone(Duration bound) throws Exception {
        long deadline = System.nanoTime() + bound.toNanos();
        String last = "";
        long lastPrint = 0;
        while (System.nanoTime() < deadline) {
            LocalCluster.Result r = LocalCluster.adm("http://127.0.0.1:" + port, node(0), "--json", "status");
            last = r.output();
            Matcher m = REBALANCE.matcher(last);
            if (m.find() && m.group(1).equals("false") && m.group(4).equals("true")) {
                Matcher s = SECONDS.matcher(last);
                return new double[] {s.find() ? Double.parseDouble(s.group(1)) : -1};
            }
            if (System.nanoTime() - lastPrint > 10_000_000_000L) {
                lastPrint = System.nanoTime();
                System.out.println(LocalCluster.adm("http://127.0.0.1:" + port, node(0), "status").output());
            }
            Thread.sleep(1000);
        }
        throw new AssertionError("the rebalance was not done within " + bound + ":\n" + last);
    }

    /** Waits until a node reports at least {@code atLeast} copies for the current rebalance; returns its count. */
    private long waitForCopies(String nodeId, long atLeast, Duration bound) throws Exception {
        Pattern copied = Pattern.compile("\"nodeId\":\"" + Pattern.quote(nodeId)
                + "\",\"ringVersion\":\\d+,\"scanned\":\\d+,\"copied\":(\\d+)");
        long deadline = System.nanoTime() + bound.toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            last = LocalCluster.adm("http://127.0.0.1:" + port, node(0), "--json", "status").output();
            Matcher m = copied.matcher(last);
            if (m.find() && Long.parseLong(m.group(1)) >= atLeast) {
                return Long.parseLong(m.group(1));
            }
            Thread.sleep(250);
        }
        throw new AssertionError(nodeId + " never copied " + atLeast + " needles:\n" + last);
    }

    /** Waits until every running node's /_health shows a ring of {@code members}. */
    private boolean waitForRingMembers(int members, int nodes, Duration bound) throws Exception {
        return LocalCluster.waitForRing(port, nodes, members, bound);
    }

    private LocalCluster.Result adm(String... args) throws Exception {
        LocalCluster.Result r = LocalCluster.adm("http://127.0.0.1:" + port, node(0), args);
        assertEquals(0, r.exit(), String.join(" ", args) + ": " + r.output());
        return r;
    }

    /** Retries an admin verb the manager may refuse for a while (a node not yet in its registry). */
    private void admUntilOk(Duration bound, String... args) throws Exception {
        long deadline = System.nanoTime() + bound.toNanos();
        LocalCluster.Result r;
        do {
            r = LocalCluster.adm("http://127.0.0.1:" + port, node(0), args);
            if (r.exit() == 0) {
                return;
            }
            Thread.sleep(1000);
        } while (System.nanoTime() < deadline);
        throw new AssertionError(String.join(" ", args) + " kept failing: " + r.output());
    }

    private S3Client client(int i) throws Exception {
        Properties creds = LocalCluster.conf(dir.resolve("root.credentials"));
        return S3Client.builder().endpointOverride(URI.create("http://127.0.0.1:" + (port + i)))
                .region(Region.US_EAST_1).forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(
                        creds.getProperty("access_key"), creds.getProperty("secret_key"))))
                .overrideConfiguration(ClientOverrideConfiguration.builder().retryPolicy(RetryPolicy.none())
                        .apiCallTimeout(Duration.ofSeconds(60)).build())
                .httpClientBuilder(ApacheHttpClient.builder()).build();
    }

    private Path node(int i) {
        return dir.resolve("n" + (i + 1));
    }

    private static String md5(byte[] data) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(data));
    }
}
