package io.needlestack.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.needlestack.core.internal.ClusterSecret;
import io.needlestack.gateway.internal.InternalHttp;
import io.needlestack.gateway.internal.InternalNeedleClient;
import io.needlestack.storage.store.NeedleKey;
import io.needlestack.storage.store.NeedleRecord;
import java.net.URI;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
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
 * Replication on a real three-node cluster (N=3, W=2, R=1, D=2) started with
 * {@code needlestack cluster up}, with real {@code kill -9}s: acknowledged writes survive a node's
 * death and reach it through the repair queue once it is back, even when the coordinating node
 * itself was killed meanwhile; two nodes down refuse writes with 503 quickly while reads go on; a
 * key deleted while a node was down does not come back; the chunks of an overwritten large object
 * whose collection died with the coordinating node are collected by the orphan collector, and not
 * before every replica of their manifest answers again.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReplicationIT {

    /** One pooled transport for the test's internal-plane clients (daemon threads; lives as long as the JVM). */
    private static final InternalHttp INTERNAL_HTTP = InternalNeedleClient.httpClient(Duration.ofSeconds(3));

    private static final int NODES = 3;
    /**
     * The orphan collector passing every second and judging chunks of any age, and the regular chunk
     * collection waiting 6 s (also the collector's settle time); the other tests write no chunks.
     */
    private static final String NODE_OPTS = "-Dneedlestack.chunk.orphan.interval.seconds=1"
            + " -Dneedlestack.chunk.orphan.grace.seconds=0 -Dneedlestack.chunk.collect.delay.seconds=6";
    private static final String ORPHANS_COLLECTED = "needlestack_orphan_chunks_collected_total";

    private Path dir;
    private int port;
    private final S3Client[] s3 = new S3Client[NODES];
    private final Map<String, byte[]> acknowledged = new ConcurrentHashMap<>();

    @BeforeAll
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void up() throws Exception {
        assumeTrue(NodeProcess.adapterPresent(), "needle-rar has no adapter implementation yet");
        port = LocalCluster.freeBasePort(NODES);
        dir = NodeProcess.workDirectory().resolve("replication-" + port);
        LocalCluster.Result up = LocalCluster.runWithJavaOpts(NODE_OPTS, NodeProcess.script(), "cluster", "up",
                "--nodes", Integer.toString(NODES), "--data", dir.toString(), "--port", Integer.toString(port),
                "--consistency", "3,2,1,2", "--wait", "240");
        assertEquals(0, up.exit(), up.output());
        if (!waitForRing(Duration.ofSeconds(20))) {
            // cluster up attaches the nodes itself; needlestack-adm start is the operator's way.
            runAdm("start");
        }
        assertTrue(waitForRing(Duration.ofSeconds(90)), "the nodes never placed by a ring of 3:\n" + health(0));
        Properties creds = LocalCluster.conf(node(0).resolve("root.credentials"));
        for (int i = 0; i < NODES; i++) {
            s3[i] = S3Client.builder().endpointOverride(URI.create("http://127.0.0.1:" + (port + i)))
                    .region(Region.US_EAST_1).forcePathStyle(true)
                    .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(
                            creds.getProperty("access_key"), creds.getProperty("secret_key"))))
                    .overrideConfiguration(ClientOverrideConfiguration.builder().retryPolicy(RetryPolicy.none())
                            .apiCallTimeout(Duration.ofSeconds(30)).build())
                    .httpClientBuilder(ApacheHttpClient.builder()).build();
        }
        s3[0].createBucket(b -> b.bucket("repl"));
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
        }
    }

    @Test
    @Order(1)
    @Timeout(value = 8, unit = TimeUnit.MINUTES)
    void acknowledgedWritesSurviveKill9AndTheNodeCatchesUpFromTheRepairQueue() throws Exception {
        Random random = new Random(42);
        int written = 0;
        for (; written < 15; written++) {
            putAcknowledged("k" + written, random);
        }
        kill9(2);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        for (; written < 45 && System.nanoTime() < deadline; written++) {
            putAcknowledged("k" + written, random);
        }
        assertTrue(acknowledged.size() >= 40, "writes stopped with a node down: " + acknowledged.size());
        for (Map.Entry<String, byte[]> e : acknowledged.entrySet()) {
            for (int gw = 0; gw < 2; gw++) {
                int g = gw;
                assertArrayEquals(e.getValue(), s3[g].getObjectAsBytes(r -> r.bucket("repl").key(e.getKey())).asByteArray(),
                        e.getKey() + " through n" + (g + 1));
            }
        }
        assertTrue(repairQueue(0) > 0, "no repair was queued for the dead node");
        start(2);
        assertTrue(waitForEmptyRepairQueue(0, Duration.ofSeconds(120)), "repair queue of n1 never drained");
        InternalNeedleClient n3 = internalClient(2);
        for (Map.Entry<String, byte[]> e : acknowledged.entrySet()) {
            Optional<NeedleRecord> r = n3.head(NeedleKey.object("repl", e.getKey()));
            assertTrue(r.isPresent() && !r.get().tombstone(), e.getKey() + " missing on the restarted node");
            assertEquals(md5(e.getValue()), r.get().md5Hex(), e.getKey() + " differs on the restarted node");
        }
        // whereis: every object has three equal replicas (the restarted node also ran its recovery).
        for (Map.Entry<String, byte[]> e : acknowledged.entrySet()) {
            assertThreeEqualReplicas(e.getKey(), md5(e.getValue()), Duration.ofSeconds(60));
        }
    }

    @Test
    @Order(5)
    @Timeout(value = 8, unit = TimeUnit.MINUTES)
    void chunksWhoseCollectionDiedWithTheCoordinatorAreCollectedOnceEveryReplicaAnswers() throws Exception {
        Random random = new Random(11);
        byte[] first = new byte[11 * 1024 * 1024];
        random.nextBytes(first);
        byte[] second = new byte[6 * 1024 * 1024 + 5];
        random.nextBytes(second);
        long before = 0;
        for (int i = 0; i < NODES; i++) {
            before += LocalCluster.metric(port + i, ORPHANS_COLLECTED);
        }
        s3[0].putObject(r -> r.bucket("repl").key("orphaned"), RequestBody.fromBytes(first));
        s3[0].putObject(r -> r.bucket("repl").key("orphaned"), RequestBody.fromBytes(second));
        // The first version's 3 chunks were to be collected by n1 in 6 s: that dies with it.
        kill9(0);
        // n1 replicates every key (N=3 on 3 nodes): no lookup is answered by every replica now.
        // Four passes of the collector (every second), each of which would have collected them.
        Thread.sleep(4_000);
        long whileDown = 0;
        for (int i = 1; i < NODES; i++) {
            whileDown += LocalCluster.metric(port + i, ORPHANS_COLLECTED);
        }
        assertEquals(before, whileDown, "chunks collected while a replica of their manifest was down");
        start(0);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        long collected;
        do {
            Thread.sleep(1000);
            collected = 0;
            for (int i = 0; i < NODES; i++) {
                collected += LocalCluster.metric(port + i, ORPHANS_COLLECTED);
            }
        } while (collected < before + 3 && System.nanoTime() < deadline);
        assertEquals(before + 3, collected, "orphaned chunks collected by the cluster");
        // Three more passes, each of which would collect a chunk the new version lists.
        Thread.sleep(3_000);
        long after = 0;
        for (int i = 0; i < NODES; i++) {
            after += LocalCluster.metric(port + i, ORPHANS_COLLECTED);
        }
        assertEquals(before + 3, after, "chunks collected that the new version lists");
        for (int i = 0; i < NODES; i++) {
            int g = i;
            assertArrayEquals(second, s3[g].getObjectAsBytes(r -> r.bucket("repl").key("orphaned")).asByteArray(),
                    "through n" + (g + 1));
        }
    }

    /** Waits (bounded) until {@code needlestack-adm whereis} shows three replicas in state ok with that MD5. */
    private void assertThreeEqualReplicas(String key, String md5, Duration bound) throws Exception {
        long deadline = System.nanoTime() + bound.toNanos();
        String last = "";
        while (true) {
            LocalCluster.Result r = LocalCluster.adm("http://127.0.0.1:" + port, node(0), "--json", "whereis",
                    "repl/" + key);
            last = r.output();
            if (r.exit() == 0) {
                jakarta.json.JsonObject w;
                try (var reader = jakarta.json.Json.createReader(new java.io.StringReader(last.trim()))) {
                    w = reader.readObject();
                }
                List<jakarta.json.JsonObject> reps = w.getJsonArray("replicas")
                        .getValuesAs(jakarta.json.JsonObject.class);
                if (reps.size() == NODES && reps.stream().allMatch(x -> x.getString("state").equals("ok")
                        && x.getString("checksum").equals(md5))) {
                    return;
                }
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("whereis repl/" + key + " never showed three equal replicas: " + last);
            }
            Thread.sleep(1000);
        }
    }

    @Test
    @Order(2)
    @Timeout(value = 8, unit = TimeUnit.MINUTES)
    void twoNodesDownRefuseWritesWith503QuicklyAndReadsGoOn() throws Exception {
        putAcknowledged("before-outage", new Random(7));
        kill9(1);
        kill9(2);
        long t0 = System.nanoTime();
        S3Exception e = org.junit.jupiter.api.Assertions.assertThrows(S3Exception.class,
                () -> s3[0].putObject(r -> r.bucket("repl").key("during-outage"), RequestBody.fromString("x")));
        double seconds = (System.nanoTime() - t0) / 1e9;
        System.out.printf("PUT with 2 of 3 nodes down: %d %s after %.1f s%n", e.statusCode(),
                e.awsErrorDetails().errorCode(), seconds);
        assertEquals(503, e.statusCode());
        assertTrue(seconds < 10, "the refusal took " + seconds + " s");
        assertArrayEquals(acknowledged.get("before-outage"),
                s3[0].getObjectAsBytes(r -> r.bucket("repl").key("before-outage")).asByteArray());
        start(1, 2);
    }

    @Test
    @Order(3)
    @Timeout(value = 8, unit = TimeUnit.MINUTES)
    void aKeyDeletedWhileANodeWasDownDoesNotComeBack() throws Exception {
        putAcknowledged("zombie", new Random(9));
        kill9(2);
        s3[0].deleteObject(r -> r.bucket("repl").key("zombie"));
        start(2);
        assertTrue(waitForEmptyRepairQueue(0, Duration.ofSeconds(120)), "repair queue of n1 never drained");
        for (int gw = 0; gw < NODES; gw++) {
            int g = gw;
            org.junit.jupiter.api.Assertions.assertThrows(NoSuchKeyException.class,
                    () -> s3[g].getObjectAsBytes(r -> r.bucket("repl").key("zombie")), "through n" + (g + 1));
            List<String> keys = s3[g].listObjectsV2Paginator(r -> r.bucket("repl")).contents().stream()
                    .map(o -> o.key()).toList();
            assertFalse(keys.contains("zombie"), "listed through n" + (g + 1));
            assertTrue(keys.containsAll(acknowledged.keySet().stream().filter(k -> !k.equals("zombie")).toList()),
                    "a key is missing from the listing through n" + (g + 1));
        }
        acknowledged.remove("zombie");
    }

    @Test
    @Order(4)
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void theRepairQueueSurvivesARestartOfTheCoordinatingNode() throws Exception {
        kill9(2);
        Random random = new Random(11);
        List<String> keys = new java.util.ArrayList<>();
        for (int i = 0; i < 10; i++) {
            putAcknowledged("hinted" + i, random);
            keys.add("hinted" + i);
        }
        // A PUT is answered at W=2: the failed call to n3 may queue its repair a moment later.
        long queued = repairQueue(0);
        for (long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10); queued < keys.size()
                && System.nanoTime() < until; queued = repairQueue(0)) {
            Thread.sleep(100);
        }
        assertTrue(queued >= keys.size(), "only " + queued + " repairs queued for 10 missed writes");
        // The manager's status shows the depth per node: n1 holds them, n3 is owed them.
        long shown = -1;
        long owed = -1;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline && (shown < keys.size() || owed < keys.size())) {
            LocalCluster.Result st = LocalCluster.adm("http://127.0.0.1:" + port, node(0), "--json", "status");
            assertEquals(0, st.exit(), st.output());
            shown = nodeField(st.output(), "n1", "repairQueue");
            owed = nodeField(st.output(), "n3", "repairQueueFor");
            Thread.sleep(500);
        }
        assertTrue(shown >= keys.size(), "status shows " + shown + " queued on n1");
        assertTrue(owed >= keys.size(), "status shows " + owed + " queued for n3");
        kill9(0);
        start(2, 0);
        assertTrue(waitForEmptyRepairQueue(0, Duration.ofSeconds(180)), "n1's queue did not drain after its restart");
        InternalNeedleClient n3 = internalClient(2);
        for (String key : keys) {
            Optional<NeedleRecord> r = n3.head(NeedleKey.object("repl", key));
            assertTrue(r.isPresent() && !r.get().tombstone(), key + " never reached n3");
            assertEquals(md5(acknowledged.get(key)), r.get().md5Hex(), key + " differs on n3");
        }
    }

    /** A number field of the node named {@code name} in the admin status JSON (-1 when absent). */
    private static long nodeField(String statusJson, String name, String field) {
        Matcher m = Pattern.compile("\\{\"id\":\"[^\"]*\",\"name\":\"" + name + "\"[^{}]*?\"" + field
                + "\":(\\d+)").matcher(statusJson);
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    private void putAcknowledged(String key, Random random) {
        byte[] data = new byte[1024 + random.nextInt(64 * 1024)];
        random.nextBytes(data);
        s3[0].putObject(r -> r.bucket("repl").key(key), RequestBody.fromBytes(data));
        acknowledged.put(key, data);
    }

    private Path node(int i) {
        return dir.resolve("n" + (i + 1));
    }

    private void kill9(int i) throws Exception {
        LocalCluster.kill9(node(i));
    }

    private void start(int i) throws Exception {
        LocalCluster.Result r = LocalCluster.runWithJavaOpts(NODE_OPTS, NodeProcess.script(), "start", "--data",
                node(i).toString(), "--wait", "240");
        assertEquals(0, r.exit(), r.output());
    }

    /** Starts these nodes at once (as {@code cluster up} does on two cores: 13 s for two, not 19 s). */
    private void start(int first, int second) throws Exception {
        CompletableFuture<Void> other = CompletableFuture.runAsync(() -> {
            try {
                start(second);
            } catch (Exception e) {
                throw new CompletionException(e);
            }
        });
        start(first);
        try {
            other.get(5, TimeUnit.MINUTES);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception x ? x : e;
        }
    }

    private void runAdm(String... verb) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of("bash",
                NodeProcess.script().resolveSibling("needlestack-adm").toString(), "--endpoint",
                "http://127.0.0.1:" + port, "--data", node(0).toString()));
        cmd.addAll(List.of(verb));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "needlestack-adm did not return");
        assertEquals(0, p.exitValue(), new String(p.getInputStream().readAllBytes()));
    }

    private String health(int i) {
        return LocalCluster.health(port + i);
    }

    private boolean waitForRing(Duration bound) throws InterruptedException {
        return LocalCluster.waitForRing(port, NODES, NODES, bound);
    }

    private long repairQueue(int i) throws Exception {
        return LocalCluster.metric(port + i, "needlestack_repair_queue_depth");
    }

    private boolean waitForEmptyRepairQueue(int i, Duration bound) throws Exception {
        long deadline = System.nanoTime() + bound.toNanos();
        while (System.nanoTime() < deadline) {
            if (repairQueue(i) == 0) {
                return true;
            }
            Thread.sleep(500);
        }
        return false;
    }

    private InternalNeedleClient internalClient(int i) {
        return new InternalNeedleClient(URI.create("http://127.0.0.1:" + (port + 2000 + i)),
                ClusterSecret.auth(node(i)), INTERNAL_HTTP, Duration.ofSeconds(10));
    }

    private static String md5(byte[] data) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(data));
    }
}
