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
import jakarta.json.JsonObject;
import java.io.InputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.retry.RetryPolicy;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Bit rot on a real three-node cluster (N=3, W=2, R=1): bytes flipped in one node's container
 * file, as a failing disk does. A GET never returns the damaged bytes and is served from
 * another replica once the damage is known; {@code needlestack-adm scrub-start} finds damage
 * nobody read; the node repairs both versions from a replica's copy, and its own copies (read
 * over its internal plane) are whole, also after its {@code kill -9} and a restart.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ScrubIT {

    private static final InternalHttp INTERNAL_HTTP = InternalNeedleClient.httpClient(Duration.ofSeconds(3));
    private static final int NODES = 3;
    private static final String NODE_OPTS = "-Dneedlestack.scrub.repair.interval.seconds=2";

    private Path dir;
    private int port;
    private final S3Client[] s3 = new S3Client[NODES];

    @BeforeAll
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void up() throws Exception {
        assumeTrue(NodeProcess.adapterPresent(), "needle-rar has no adapter implementation yet");
        port = LocalCluster.freeBasePort(NODES);
        dir = NodeProcess.workDirectory().resolve("scrub-" + port);
        LocalCluster.Result up = LocalCluster.runWithJavaOpts(NODE_OPTS, NodeProcess.script(), "cluster", "up",
                "--nodes", Integer.toString(NODES), "--data", dir.toString(), "--port", Integer.toString(port),
                "--consistency", "3,2,1,2", "--wait", "240");
        assertEquals(0, up.exit(), up.output());
        assertTrue(LocalCluster.waitForRing(port, NODES, NODES, Duration.ofSeconds(90)),
                "the nodes never placed by a ring of 3:\n" + LocalCluster.health(port));
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
        s3[0].createBucket(b -> b.bucket("scrub"));
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
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void bitRotIsNeverServedAndIsRepairedFromAReplicasCopy() throws Exception {
        Random random = new Random(11);
        byte[] read = new byte[300 * 1024];
        byte[] small = new byte[40 * 1024];
        byte[] cold = new byte[40 * 1024];
        random.nextBytes(read);
        random.nextBytes(small);
        random.nextBytes(cold);
        s3[0].putObject(p -> p.bucket("scrub").key("read"), RequestBody.fromBytes(read));
        s3[0].putObject(p -> p.bucket("scrub").key("small"), RequestBody.fromBytes(small));
        s3[0].putObject(p -> p.bucket("scrub").key("cold"), RequestBody.fromBytes(cold));
        // Never damaged: every scrub of every node verifies it, whichever other versions were
        // already repaired (verified too) or still listed as damaged (skipped) when the scrub ran.
        byte[] sound = new byte[20 * 1024];
        random.nextBytes(sound);
        s3[0].putObject(p -> p.bucket("scrub").key("sound"), RequestBody.fromBytes(sound));

        // Each object damaged on the replica a GET opens first (whereis lists them in ring order);
        // "cold" on the same node as "read", where nobody reads it before the scrub.
        String damagedNode = firstReplica("read");
        int x = nodeIndex(damagedNode);
        int y = nodeIndex(firstReplica("small"));
        int other = (x + 1) % NODES;
        assertTrue(flip(node(x), read), "the data of 'read' was not found in " + damagedNode + "'s containers");
        assertTrue(flip(node(x), cold), "the data of 'cold' was not found in " + damagedNode + "'s containers");
        assertTrue(flip(node(y), small), "the data of 'small' was not found in n" + (y + 1) + "'s containers");
        // A larger object whose damage lies in its last block, which the store withholds until the
        // checksum is checked, on the same node: a key whose first replica is that node.
        // Each try its own bytes: only the chosen one may be found (and flipped) on that node.
        byte[] tail = new byte[600 * 1024];
        String tailKey = null;
        for (int i = 0; i < 30 && tailKey == null; i++) {
            String k = "tail-" + i;
            random.nextBytes(tail);
            s3[0].putObject(p -> p.bucket("scrub").key(k), RequestBody.fromBytes(tail));
            if (firstReplica(k).equals(damagedNode)) {
                tailKey = k;
            }
        }
        assertTrue(tailKey != null, "no key of 30 had " + damagedNode + " as its first replica");
        String tailName = tailKey;
        assertTrue(flip(node(x), tail, 0.9), "the data of '" + tailName + "' was not found in " + damagedNode);

        // A body of one block or less is read before the status goes out: the damaged replica
        // costs no failure, the GET reads the next one.
        for (int i = 0; i < 9; i++) {
            int through = (y + i) % NODES;
            assertArrayEquals(small, s3[through].getObjectAsBytes(g -> g.bucket("scrub").key("small")).asByteArray(),
                    "GET " + i + " of 'small' through n" + (through + 1));
        }
        // A larger body streams: the damage shows at its last block, after the status went out, so
        // one GET may be cut short; none returns other bytes, and once the node knows, the next GET
        // reads another replica.
        int failed = 0;
        byte[] got = null;
        for (int attempt = 0; attempt < 3 && got == null; attempt++) {
            try {
                got = s3[other].getObjectAsBytes(g -> g.bucket("scrub").key("read")).asByteArray();
            } catch (RuntimeException e) {
                failed++;
                // The node closes the connection under a body it cannot complete: the client sees
                // it end short at once, not a stall until its own 30 s timeout.
                assertFalse(e instanceof ApiCallTimeoutException, "the cut-short GET stalled: " + e);
            }
        }
        assertArrayEquals(read, got, "GET of a version damaged on " + damagedNode);
        assertTrue(failed <= 1, failed + " GETs failed");
        for (int i = 0; i < 10; i++) {
            assertArrayEquals(read, s3[i % NODES].getObjectAsBytes(g -> g.bucket("scrub").key("read")).asByteArray());
        }
        // Damage the store withheld: the coordinator checks that the bytes it sent are the next
        // replica's and goes on from it, so even the first GET is whole (no retries in this client).
        assertArrayEquals(tail, s3[other].getObjectAsBytes(g -> g.bucket("scrub").key(tailName)).asByteArray(),
                "first GET of '" + tailName + "', damaged in its last block on " + damagedNode);
        String coordinatorLog = Files.readString(node(other).resolve("node.log"));
        assertTrue(coordinatorLog.contains("going on from"), "the read went on from another replica");
        // The damaged node closed its internal answer: the coordinator did not wait out its timeout.
        assertFalse(coordinatorLog.contains("Read timed out"), "a replica's failed answer was left open");

        // The scrub finds what nobody read on that node; the repair pass copies every damaged
        // version from a replica.
        JsonObject started = LocalCluster.json(LocalCluster.ok(adm("--json", "scrub-start", damagedNode, "--wait", "120")));
        assertEquals("done", started.getString("outcome"), started.toString());
        assertEquals(1, started.getJsonNumber("damagedFound").longValue(), "only 'cold' was not known: " + started);
        long expected = x == y ? 4 : 3;
        JsonObject s = awaitStatus(damagedNode, st -> st.getJsonNumber("damagedNow").longValue() == 0
                && st.getJsonNumber("repaired").longValue() == expected, Duration.ofSeconds(90));
        assertTrue(s.getJsonNumber("needlesVerified").longValue() >= 1, "'sound' not verified: " + s);
        assertTrue(s.getJsonNumber("bytesVerified").longValue() >= sound.length + cold.length, s.toString());
        assertEquals(expected, LocalCluster.metric(port + x, "needlestack_damaged_repaired_total"));
        assertEquals(0, LocalCluster.metric(port + x, "needlestack_damaged_versions"));
        String human = LocalCluster.ok(adm("scrub-status", damagedNode));
        assertTrue(human.contains(expected + " repaired"), human);
        if (y != x) {
            awaitStatus(LocalCluster.json(LocalCluster.ok(adm("--json", "scrub-status", "n" + (y + 1))))
                    .getString("node"), st -> st.getJsonNumber("repaired").longValue() == 1
                    && st.getJsonNumber("damagedNow").longValue() == 0, Duration.ofSeconds(60));
        }
        assertOwnCopy(y, "small", small);

        // The repaired node's own copies, over its internal plane; again after its kill -9 and restart.
        assertOwnCopy(x, "read", read);
        assertOwnCopy(x, "cold", cold);
        assertOwnCopy(x, tailName, tail);
        kill9(x);
        LocalCluster.ok(LocalCluster.runWithJavaOpts(NODE_OPTS, NodeProcess.script(), "start", "--data",
                node(x).toString(), "--wait", "240"));
        assertOwnCopy(x, "read", read);
        assertOwnCopy(x, "cold", cold);
        JsonObject again = LocalCluster.json(LocalCluster.ok(adm("--json", "scrub-start", damagedNode, "--wait", "120")));
        assertEquals("done", again.getString("outcome"), again.toString());
        assertEquals(0, again.getJsonNumber("damagedFound").longValue(), again.toString());
        assertEquals(0, again.getJsonNumber("damagedNow").longValue(), again.toString());
    }

    /** Reads node i's own copy of a key (not a coordinator's choice of replica) and compares it. */
    private void assertOwnCopy(int i, String key, byte[] expected) throws Exception {
        InternalNeedleClient client = new InternalNeedleClient(URI.create("http://127.0.0.1:" + (port + 2000 + i)),
                ClusterSecret.auth(node(i)), INTERNAL_HTTP, Duration.ofSeconds(10));
        NeedleRecord r = client.head(NeedleKey.object("scrub", key)).orElseThrow();
        try (InputStream in = client.open(r, 0, r.dataLength())) {
            assertArrayEquals(expected, in.readAllBytes(), key + " on n" + (i + 1));
        }
    }

    /** The first replica {@code needlestack-adm whereis} lists (ring order, which reads follow). */
    private String firstReplica(String key) throws Exception {
        JsonObject w = LocalCluster.json(LocalCluster.ok(adm("--json", "whereis", "scrub/" + key)));
        return w.getJsonArray("replicas").getJsonObject(0).getString("node");
    }

    /** Which of n1..n3 has that node id (each node keeps its id in {@code node.id}). */
    private int nodeIndex(String id) throws IOException {
        for (int i = 0; i < NODES; i++) {
            if (Files.readString(node(i).resolve("node.id")).trim().equals(id)) {
                return i;
            }
        }
        throw new AssertionError("no node has id " + id);
    }

    /** Flips one byte in the middle of {@code data} wherever it is stored in the node's containers. */
    private static boolean flip(Path node, byte[] data) throws IOException {
        return flip(node, data, 0.5);
    }

    /** Flips one byte at {@code where} (a fraction) of {@code data} wherever the node stores it. */
    private static boolean flip(Path node, byte[] data, double where) throws IOException {
        int at = (int) (data.length * where);
        byte[] needle = Arrays.copyOfRange(data, at, at + 64);
        List<Path> files;
        try (Stream<Path> s = Files.walk(node)) {
            files = s.filter(f -> f.getFileName().toString().matches("container-\\d+\\.ndl")).toList();
        }
        boolean found = false;
        for (Path f : files) {
            byte[] all = Files.readAllBytes(f);
            for (int i = 0; i + needle.length <= all.length; i++) {
                if (all[i] == needle[0] && Arrays.equals(all, i, i + needle.length, needle, 0, needle.length)) {
                    try (FileChannel c = FileChannel.open(f, StandardOpenOption.WRITE)) {
                        c.write(ByteBuffer.wrap(new byte[] {(byte) ~all[i + 10]}), i + 10);
                        c.force(true);
                    }
                    found = true;
                }
            }
        }
        return found;
    }

    private JsonObject awaitStatus(String nodeId, java.util.function.Predicate<JsonObject> done, Duration bound)
            throws Exception {
        long deadline = System.nanoTime() + bound.toNanos();
        JsonObject s;
        while (true) {
            s = LocalCluster.json(LocalCluster.ok(adm("--json", "scrub-status", nodeId)));
            if (done.test(s)) {
                return s;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("scrub status of " + nodeId + " never settled: " + s);
            }
            Thread.sleep(1000);
        }
    }

    private LocalCluster.Result adm(String... args) throws Exception {
        // Any live node's manager endpoint answers; after the kills only the restarted one lives.
        List<String> a = new ArrayList<>(List.of(args));
        for (int i = 0; i < NODES; i++) {
            if (LocalCluster.alive(LocalCluster.pid(node(i)))) {
                return LocalCluster.adm("http://127.0.0.1:" + (port + i), node(0), a.toArray(String[]::new));
            }
        }
        throw new AssertionError("no node alive");
    }

    private Path node(int i) {
        return dir.resolve("n" + (i + 1));
    }

    private void kill9(int i) throws Exception {
        LocalCluster.kill9(node(i));
    }
}
