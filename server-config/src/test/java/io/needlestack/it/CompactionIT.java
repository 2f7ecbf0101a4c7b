package io.needlestack.it;

import static io.needlestack.it.LocalCluster.json;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.needlestack.core.internal.ClusterSecret;
import io.needlestack.core.internal.InternalAuth;
import jakarta.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/**
 * Compaction on one real all-in-one node (not in any ring: {@code needlestack-adm start} never
 * runs), driven through {@code needlestack-adm}: after every object was overwritten twice and a
 * quarter of them deleted, {@code compact-start --wait} shrinks the container files to well below
 * half, every live object reads back byte for byte and every deleted one stays deleted, also
 * after a {@code kill -9}, a restart on the same data directory and a second compaction of the
 * containers named one by one. {@code du} tells beforehand that more than half of the container
 * bytes would be reclaimed, and afterwards that nothing would and that the files are as large as
 * it says. Refusals (nothing to suspend, an unknown node or container, malformed container lists)
 * give clear errors.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CompactionIT {

    private static final String BUCKET = "compact";
    private static final String NAME = "compact";
    private static final int OBJECTS = 200;
    private static final int SIZE = 64 * 1024;
    private static final long SEED = 0x5eed_c0deL;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private NodeProcess node;
    private S3Client s3;
    /** The generation of every live object's content ({@link #content}); deleted keys are not here. */
    private final Map<String, Integer> live = new TreeMap<>();
    private final TreeSet<String> deleted = new TreeSet<>();

    @BeforeAll
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void up() {
        assumeTrue(NodeProcess.adapterPresent(), "needle-rar has no adapter implementation yet");
        node = NodeProcess.builder(NAME).start();
        s3 = s3();
        s3.createBucket(b -> b.bucket(BUCKET));
    }

    @AfterAll
    void down() throws Exception {
        if (s3 != null) {
            s3.close();
        }
        if (node != null) {
            node.stop();
            NodeProcess.deleteTree(node.dataDir());
        }
    }

    @Test
    @Order(1)
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void refusalsAreClear() throws Exception {
        LocalCluster.Result unknown = adm("compact-start", "no-such-node", "--wait", "30");
        assertEquals(1, unknown.exit(), unknown.output());
        assertTrue(unknown.output().contains("NoSuchNode") && unknown.output().contains("no-such-node"),
                unknown.output());
        LocalCluster.Result unknownDu = adm("du", "no-such-node");
        assertEquals(1, unknownDu.exit(), unknownDu.output());
        assertTrue(unknownDu.output().contains("error NoSuchNode") && unknownDu.output().contains("no-such-node"),
                unknownDu.output());
        LocalCluster.Result usage = adm("compact-start", NAME, "--containers", "1,x");
        assertEquals(2, usage.exit(), usage.output());
        assertTrue(usage.output().contains("--containers takes container ids"), usage.output());

        // Past the CLI's own check: the manager and the node refuse a malformed list themselves.
        HttpResponse<String> manager = http.send(HttpRequest.newBuilder(
                node.endpoint().resolve("/_admin/api/nodes/" + NAME + "/compact?containers=a"))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                        (node.accessKey() + ":" + node.secretKey()).getBytes(StandardCharsets.UTF_8)))
                .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(400, manager.statusCode(), manager.body());
        assertTrue(manager.body().contains("\"InvalidArgument\""), manager.body());
        String target = "/_internal/v1/compaction/start?containers=-1";
        HttpRequest.Builder signed = HttpRequest.newBuilder(node.internalEndpoint().resolve(target))
                .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.noBody());
        new InternalAuth(ClusterSecret.load(node.dataDir())).sign("POST", target).forEach(signed::header);
        HttpResponse<String> plane = http.send(signed.build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(400, plane.statusCode(), plane.body());
        assertTrue(plane.body().contains("\"BadRequest\""), plane.body());
        HttpResponse<String> unsigned = http.send(HttpRequest.newBuilder(node.internalEndpoint()
                .resolve("/_internal/v1/compaction/status")).timeout(Duration.ofSeconds(30)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(403, unsigned.statusCode(), unsigned.body());

        // Nothing runs on a fresh node: nothing to suspend or resume.
        for (String verb : new String[] {"compact-suspend", "compact-resume"}) {
            LocalCluster.Result idle = adm(verb, NAME);
            assertEquals(1, idle.exit(), idle.output());
            assertTrue(idle.output().contains("error CompactionNotRunning"), idle.output());
        }
        LocalCluster.Result status = adm("--json", "compact-status", NAME);
        assertEquals(0, status.exit(), status.output());
        assertEquals("idle", json(status.output()).getString("state"), status.output());
    }

    @Test
    @Order(2)
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void compactionReclaimsOverwrittenAndDeletedBytesAndKeepsTheRest() throws Exception {
        for (int generation = 0; generation < 3; generation++) {
            for (int i = 0; i < OBJECTS; i++) {
                put(key(i), generation);
            }
        }
        for (int i = 0; i < OBJECTS; i += 4) {
            String k = key(i);
            s3.deleteObject(r -> r.bucket(BUCKET).key(k));
            live.remove(k);
            deleted.add(k);
        }
        long before = containerBytes();
        long liveBytes = (long) live.size() * SIZE;
        assertTrue(before >= 3L * OBJECTS * SIZE, "the containers hold less than was written: " + before);

        // Two overwrites and a quarter deleted: at most a third of the bytes is live.
        JsonObject du = du();
        System.out.println("du before compaction: " + du);
        assertEquals(before, du.getJsonNumber("fileBytes").longValue(), du.toString());
        assertTrue(du.getJsonNumber("reclaimableBytes").longValue() > before / 2, du.toString());
        assertTrue(du.getJsonNumber("liveBytes").longValue() >= liveBytes, du.toString());
        LocalCluster.Result duTable = adm("du", NAME);
        assertEquals(0, duTable.exit(), duTable.output());
        assertTrue(duTable.output().contains("RECLAIMABLE MB") && duTable.output().contains("\ntotal "),
                duTable.output());
        System.out.println(duTable.output());

        LocalCluster.Result run = adm("--json", "compact-start", NAME, "--wait", "300");
        assertEquals(0, run.exit(), run.output() + "\n" + LocalCluster.tail(node.dataDir()));
        JsonObject done = json(run.output());
        long after = containerBytes();
        System.out.printf("compaction: container files %d -> %d bytes (live data %d); %s%n", before, after,
                liveBytes, done);
        assertEquals("done", done.getString("outcome"), done.toString());
        assertEquals("idle", done.getString("state"), done.toString());
        assertTrue(after < before / 2, "container files " + before + " -> " + after + " bytes: not reclaimed");
        assertTrue(after >= liveBytes, "container files hold less than the live data: " + after);

        LocalCluster.Result status = adm("--json", "compact-status", NAME);
        assertEquals(0, status.exit(), status.output());
        JsonObject s = json(status.output());
        assertEquals("done", s.getString("outcome"), s.toString());
        assertTrue(s.getJsonNumber("needlesDropped").longValue() > 0, s.toString());
        assertTrue(s.getJsonNumber("needlesKept").longValue() >= live.size(), s.toString());
        assertEquals(s.getInt("containersTotal"), s.getInt("containersDone"), s.toString());
        assertTrue(s.getJsonNumber("bytesAfter").longValue() < s.getJsonNumber("bytesBefore").longValue(), s.toString());
        assertTrue(s.getJsonNumber("containerFileBytes").longValue() < before / 2, s.toString());
        LocalCluster.Result table = adm("compact-status", NAME);
        assertEquals(0, table.exit(), table.output());
        assertTrue(table.output().contains("outcome done"), table.output());
        System.out.println(table.output());

        JsonObject compacted = du();
        System.out.println("du after compaction: " + compacted);
        for (JsonObject c : compacted.getJsonArray("containers").getValuesAs(JsonObject.class)) {
            assertEquals(0, c.getJsonNumber("reclaimableBytes").longValue(), c.toString());
            assertFalse(c.getBoolean("compacting"), c.toString());
        }
        assertEquals(0, compacted.getJsonNumber("reclaimableBytes").longValue(), compacted.toString());
        assertEquals(containerBytes(), compacted.getJsonNumber("fileBytes").longValue(), compacted.toString());

        verifyAll(s3);

        LocalCluster.Result noSuch = adm("compact-start", NAME, "--containers", "99999");
        assertEquals(1, noSuch.exit(), noSuch.output());
        assertTrue(noSuch.output().contains("error NoSuchContainer"), noSuch.output());
    }

    @Test
    @Order(3)
    @Timeout(value = 8, unit = TimeUnit.MINUTES)
    void compactedContainersSurviveKill9AndRestartAndCompactAgain() throws Exception {
        for (int i = OBJECTS; i < OBJECTS + 10; i++) {
            put(key(i), 0);
        }
        verifyAll(s3);
        s3.close();
        s3 = null;
        node.kill();
        node.start();
        // A fresh client: the old one's pooled connections died with the node.
        s3 = s3();
        verifyAll(s3);

        // The restarted node compacts again, the containers named this time.
        String ids;
        try (Stream<Path> files = Files.list(containers())) {
            ids = files.map(f -> f.getFileName().toString()).filter(n -> n.matches("container-\\d+\\.ndl"))
                    .map(n -> Integer.toString(Integer.parseInt(n.replaceAll("\\D", "")))).sorted()
                    .collect(Collectors.joining(","));
        }
        LocalCluster.Result again = adm("--json", "compact-start", NAME, "--containers", ids, "--wait", "120");
        assertEquals(0, again.exit(), again.output() + "\n" + LocalCluster.tail(node.dataDir()));
        assertEquals("done", json(again.output()).getString("outcome"), again.output());
        verifyAll(s3);
    }

    // ---- helpers ----------------------------------------------------------------------------------

    private static String key(int i) {
        return String.format("obj/%04d", i);
    }

    /** The content of generation {@code generation} of {@code key}: derived, so nothing is kept. */
    private static byte[] content(String key, int generation) {
        byte[] data = new byte[SIZE];
        new Random(SEED ^ (key.hashCode() * 31L + generation)).nextBytes(data);
        return data;
    }

    private void put(String key, int generation) {
        s3.putObject(r -> r.bucket(BUCKET).key(key), RequestBody.fromBytes(content(key, generation)));
        live.put(key, generation);
    }

    private void verifyAll(S3Client client) {
        for (Map.Entry<String, Integer> e : live.entrySet()) {
            assertArrayEquals(content(e.getKey(), e.getValue()),
                    client.getObjectAsBytes(r -> r.bucket(BUCKET).key(e.getKey())).asByteArray(), e.getKey());
        }
        for (String k : deleted) {
            assertThrows(NoSuchKeyException.class, () -> client.getObjectAsBytes(r -> r.bucket(BUCKET).key(k)), k);
        }
    }

    /** Bytes of {@code store/containers/container-NNNNN.ndl}, every file of a compaction in progress left out. */
    private long containerBytes() throws Exception {
        long total = 0;
        try (Stream<Path> files = Files.list(containers())) {
            for (Path f : files.filter(f -> f.getFileName().toString().matches("container-\\d+\\.ndl")).toList()) {
                total += Files.size(f);
            }
        }
        return total;
    }

    private Path containers() {
        return node.dataDir().resolve("store").resolve("containers");
    }

    private S3Client s3() {
        return node.s3Client();
    }

    /** {@code needlestack-adm --json du} of the node, which must succeed. */
    private JsonObject du() throws Exception {
        LocalCluster.Result r = adm("--json", "du", NAME);
        assertEquals(0, r.exit(), r.output());
        return json(r.output());
    }

    private LocalCluster.Result adm(String... args) throws Exception {
        return LocalCluster.adm(node.endpoint().toString(), node.dataDir(), args);
    }
}
