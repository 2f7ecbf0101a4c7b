package io.needlestack.it;

import static io.needlestack.it.LocalCluster.json;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.needlestack.core.internal.ClusterSecret;
import io.needlestack.core.internal.InternalAuth;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.logging.Level;
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

/**
 * {@code needlestack-adm update-log-level} and {@code purge-cache} on one real all-in-one node.
 *
 * <ul>
 *   <li>update-log-level: refusals (an unknown level and a malformed logger name are 400 from the
 *   manager and from the node's plane, an unknown node {@code NoSuchNode}, a missing level a usage
 *   error); at {@code debug} the node's {@code io.needlestack} loggers log at FINE (the plane's
 *   GET says so, and a FINE line of the gateway appears in {@code node.log}), at {@code trace} the
 *   node's handlers are lowered to FINEST, and back at {@code INFO} the FINE line no longer
 *   appears and the handlers have their own levels again; {@code all} reaches the one node.</li>
 *   <li>purge-cache: a small object read three times sits in the memory tier, a larger one in the
 *   disk tier (the node runs with {@code needlestack.cache.disk.local=true}: without it, on one node
 *   the disk tier holds nothing), and the third read of each made no HEAD (a kept answer, trusted
 *   20 s here); after the purge the tier holds one entry less, and the next read is a miss of the
 *   tier and of the kept answers, and returns the right bytes.</li>
 * </ul>
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NodeAdminVerbsIT {

    private static final String NAME = "adminverbs";
    private static final String BUCKET = "adminverbs";
    /** What the gateway logs at FINE for each purge (CachePurgeResource). */
    private static final String FINE_PURGE_LINE = "object cache purge of ";

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private NodeProcess node;
    private S3Client s3;

    @BeforeAll
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void up() {
        assumeTrue(NodeProcess.adapterPresent(), "needle-rar has no adapter implementation yet");
        // Kept answers trusted for 20 s (not 3), so that the purge's drop of the kept answer is
        // seen by the next GET rather than by the clock; the disk tier also takes this node's own
        // bodies, so that it holds something on one node.
        node = NodeProcess.builder(NAME)
                .javaOpts(System.getProperty("needlestack.it.java.opts", "-XX:TieredStopAtLevel=1")
                        + " -Dneedlestack.cache.pointer.seconds=20 -Dneedlestack.cache.disk.local=true")
                .start();
        s3 = node.s3Client();
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
    void logLevelRefusalsAreClear() throws Exception {
        LocalCluster.Result unknownLevel = adm("update-log-level", NAME, "LOUD");
        assertEquals(1, unknownLevel.exit(), unknownLevel.output());
        assertTrue(unknownLevel.output().contains("needlestack-adm: error InvalidLogLevel: unknown log level 'LOUD'"),
                unknownLevel.output());
        LocalCluster.Result unknownNode = adm("update-log-level", "no-such-node", "debug");
        assertEquals(1, unknownNode.exit(), unknownNode.output());
        assertTrue(unknownNode.output().contains("needlestack-adm: error NoSuchNode:")
                && unknownNode.output().contains("no-such-node"), unknownNode.output());
        LocalCluster.Result malformed = adm("update-log-level", NAME, "info", "--logger", "io..needlestack");
        assertEquals(1, malformed.exit(), malformed.output());
        assertTrue(malformed.output().contains("needlestack-adm: error InvalidLoggerName:"), malformed.output());
        LocalCluster.Result usage = adm("update-log-level", NAME);
        assertEquals(2, usage.exit(), usage.output());
        assertTrue(usage.output().contains("usage: update-log-level NODE LEVEL [--logger NAME]"), usage.output());
        LocalCluster.Result noKey = adm("purge-cache", BUCKET);
        assertEquals(2, noKey.exit(), noKey.output());
        assertTrue(noKey.output().contains("usage: purge-cache BUCKET/KEY"), noKey.output());

        // Past the CLI's own checks: the manager and the node's plane refuse them themselves.
        HttpResponse<String> manager = admin("POST", "nodes/" + NAME + "/log-level?level=12");
        assertEquals(400, manager.statusCode(), manager.body());
        assertTrue(manager.body().contains("\"InvalidLogLevel\""), manager.body());
        HttpResponse<String> relayed = admin("POST", "nodes/" + NAME + "/log-level?level=verbose");
        assertEquals(400, relayed.statusCode(), relayed.body());
        assertTrue(relayed.body().contains("\"InvalidLogLevel\""), relayed.body());
        HttpResponse<String> all = admin("POST", "nodes/all/log-level?level=verbose");
        assertEquals(400, all.statusCode(), all.body());
        assertTrue(all.body().contains("\"InvalidLogLevel\""), all.body());
        HttpResponse<String> plane = plane("POST", "/_internal/v1/log-level?logger=a..b&level=FINE");
        assertEquals(400, plane.statusCode(), plane.body());
        assertTrue(plane.body().contains("\"InvalidLoggerName\""), plane.body());
        HttpResponse<String> noLevel = plane("POST", "/_internal/v1/log-level");
        assertEquals(400, noLevel.statusCode(), noLevel.body());
        assertTrue(noLevel.body().contains("\"InvalidLogLevel\""), noLevel.body());
        HttpResponse<String> unsigned = http.send(HttpRequest.newBuilder(node.internalEndpoint()
                .resolve("/_internal/v1/log-level")).timeout(Duration.ofSeconds(30)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(403, unsigned.statusCode(), unsigned.body());
        HttpResponse<String> purgeUnsigned = http.send(HttpRequest.newBuilder(node.internalEndpoint()
                .resolve("/_internal/v1/cache/purge?bucket=YQ&key=YQ")).timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(403, purgeUnsigned.statusCode(), purgeUnsigned.body());

        // Nothing was changed by the refusals.
        assertEquals("INFO", planeState(null).getString("effectiveLevel"));
    }

    @Test
    @Order(2)
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void debugMakesFineLinesAppearAndInfoStopsThem() throws Exception {
        JsonObject initial = planeState(null);
        assertEquals("io.needlestack", initial.getString("logger"));
        assertEquals("INFO", initial.getString("effectiveLevel"), initial.toString());
        JsonArray configuredHandlers = initial.getJsonArray("handlers");
        assertFalse(configuredHandlers.isEmpty(), "the project's records reach some handler: " + initial);
        System.out.println("handlers of io.needlestack before any change: " + configuredHandlers);

        LocalCluster.Result debug = adm("--json", "update-log-level", NAME, "debug");
        assertEquals(0, debug.exit(), debug.output());
        JsonObject set = json(debug.output());
        assertEquals("io.needlestack", set.getString("logger"));
        assertEquals("FINE", set.getString("level"));
        assertEquals("FINE", set.getString("effectiveLevel"));
        assertEquals("INFO", set.getString("previousLevel"));
        assertEveryHandlerAtOrBelow(set, Level.FINE);
        assertEquals("FINE", planeState(null).getString("effectiveLevel"), "the node's plane says so too");
        assertEquals("FINE", planeState("io.needlestack.gateway.object.cache.CachePurgeResource")
                .getString("effectiveLevel"), "a class logger inherits it");
        HttpResponse<String> viaManager = admin("GET", "nodes/" + NAME + "/log-level");
        assertEquals(200, viaManager.statusCode(), viaManager.body());
        assertEquals("FINE", read(viaManager.body()).getString("effectiveLevel"));

        // The gateway logs each purge's detail at FINE: now it is in the log.
        String fineKey = "fine-" + System.nanoTime();
        LocalCluster.Result purge = adm("purge-cache", BUCKET + "/" + fineKey);
        assertEquals(0, purge.exit(), purge.output());
        awaitLog(() -> fineRecord(FINE_PURGE_LINE + BUCKET + "/" + fineKey), "a FINE line of the purge of " + fineKey);

        // trace: FINEST, below the console handler's own FINE, so the handlers are lowered.
        LocalCluster.Result trace = adm("--json", "update-log-level", NAME, "TRACE");
        assertEquals(0, trace.exit(), trace.output());
        JsonObject finest = json(trace.output());
        assertEquals("FINEST", finest.getString("effectiveLevel"));
        assertEquals("FINE", finest.getString("previousLevel"));
        assertEveryHandlerAtOrBelow(finest, Level.FINEST);

        LocalCluster.Result info = adm("update-log-level", NAME, "INFO");
        assertEquals(0, info.exit(), info.output());
        assertTrue(info.output().contains("io.needlestack at INFO (was FINEST) until the node restarts"), info.output());
        JsonObject back = planeState(null);
        assertEquals("INFO", back.getString("effectiveLevel"));
        assertEquals(configuredHandlers, back.getJsonArray("handlers"), "the handlers have their own levels again");

        // No FINE line now. The manager logs the purge at INFO after the gateway answered it, so
        // once that line is in the log, a FINE line of the gateway would be there before it.
        String infoKey = "info-" + System.nanoTime();
        LocalCluster.Result quiet = adm("purge-cache", BUCKET + "/" + infoKey);
        assertEquals(0, quiet.exit(), quiet.output());
        awaitLog(() -> log().contains("purge-cache " + BUCKET + "/" + infoKey + ": confirmed by"),
                "the manager's INFO line of the purge of " + infoKey);
        assertFalse(log().contains(FINE_PURGE_LINE + BUCKET + "/" + infoKey), "no FINE line at INFO");

        // all: every running node, here the one.
        LocalCluster.Result everyNode = adm("--json", "update-log-level", "all", "info", "--logger", "io.needlestack");
        assertEquals(0, everyNode.exit(), everyNode.output());
        JsonObject fanOut = json(everyNode.output());
        assertEquals(1, fanOut.getJsonArray("nodes").size(), fanOut.toString());
        assertEquals("INFO", fanOut.getJsonArray("nodes").getJsonObject(0).getString("effectiveLevel"));
        assertTrue(fanOut.getJsonArray("failed").isEmpty(), fanOut.toString());
    }

    @Test
    @Order(3)
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void purgeCacheDropsTheObjectFromTheMemoryAndDiskTiersAndTheNextReadIsAMiss() throws Exception {
        byte[] small = random(4096, 1);
        byte[] large = random(1_572_864, 2); // 1.5 MiB: over the memory tier's 1 MiB, so on disk
        s3.putObject(b -> b.bucket(BUCKET).key("small.bin"), RequestBody.fromBytes(small));
        s3.putObject(b -> b.bucket(BUCKET).key("large.bin"), RequestBody.fromBytes(large));

        Map<String, Long> start = metrics();
        for (int i = 0; i < 3; i++) {
            // The first read streams from storage, the second fills the tier (min.uses 2), the third hits it.
            assertArrayEquals(small, get("small.bin"));
            assertArrayEquals(large, get("large.bin"));
        }
        Map<String, Long> warm = metrics();
        assertTrue(warm.get("memoryEntries") >= 1 && warm.get("memoryHits") > start.get("memoryHits"),
                "the small object is in the memory tier: " + warm);
        assertTrue(warm.get("diskEntries") >= 1 && warm.get("diskHits") > start.get("diskHits"),
                "the large object is in the disk tier: " + warm);
        assertTrue(warm.get("pointerHits") > start.get("pointerHits"), "the third reads made no HEAD: " + warm);

        LocalCluster.Result purged = adm("--json", "purge-cache", BUCKET + "/small.bin");
        assertEquals(0, purged.exit(), purged.output());
        JsonObject answer = json(purged.output());
        assertEquals(BUCKET, answer.getString("bucket"));
        assertEquals("small.bin", answer.getString("key"));
        assertTrue(answer.getJsonArray("failed").isEmpty(), answer.toString());
        assertEquals(1, answer.getJsonArray("confirmed").size(), answer.toString());
        JsonObject confirmed = answer.getJsonArray("confirmed").getJsonObject(0);
        assertEquals(NAME, confirmed.getString("name"));
        assertEquals(1, confirmed.getInt("memoryEntries"), answer.toString());
        assertEquals(0, confirmed.getInt("diskEntries"), answer.toString());
        Map<String, Long> afterSmall = metrics();
        assertEquals(warm.get("memoryEntries") - 1, afterSmall.get("memoryEntries"), "one memory entry less");
        assertEquals(warm.get("diskEntries"), afterSmall.get("diskEntries"), "the disk tier is untouched");

        assertArrayEquals(small, get("small.bin"), "the right bytes, read from storage");
        Map<String, Long> reread = metrics();
        assertEquals(afterSmall.get("memoryMisses") + 1, reread.get("memoryMisses"), "a memory miss");
        assertEquals(afterSmall.get("memoryHits"), reread.get("memoryHits"), "no memory hit");
        assertEquals(afterSmall.get("pointerMisses") + 1, reread.get("pointerMisses"),
                "the kept answer went too: the read asked for the newest version");

        LocalCluster.Result table = adm("purge-cache", BUCKET + "/large.bin");
        assertEquals(0, table.exit(), table.output());
        assertTrue(table.output().contains("purge-cache " + BUCKET + "/large.bin: 1 gateway(s) confirmed, 0 did not"),
                table.output());
        Map<String, Long> afterLarge = metrics();
        assertEquals(reread.get("diskEntries") - 1, afterLarge.get("diskEntries"), "one disk entry less");
        assertArrayEquals(large, get("large.bin"), "the right bytes, read from storage");
        Map<String, Long> rereadLarge = metrics();
        assertEquals(afterLarge.get("diskMisses") + 1, rereadLarge.get("diskMisses"), "a disk miss");
        assertEquals(afterLarge.get("diskHits"), rereadLarge.get("diskHits"), "no disk hit");
        assertEquals(afterLarge.get("pointerMisses") + 1, rereadLarge.get("pointerMisses"), "no kept answer");
        assertEquals(0, rereadLarge.get("memoryEvictions") + rereadLarge.get("diskEvictions"),
                "purges are not evictions: " + rereadLarge);
    }

    // ---- helpers -------------------------------------------------------------------------------

    private byte[] get(String key) {
        return s3.getObjectAsBytes(r -> r.bucket(BUCKET).key(key)).asByteArray();
    }

    private static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** The cache counters of the node's {@code /_metrics}. */
    private Map<String, Long> metrics() throws Exception {
        int port = node.port();
        return Map.ofEntries(
                Map.entry("memoryEntries", LocalCluster.metric(port, "needlestack_cache_entries{tier=\"memory\"}")),
                Map.entry("memoryHits", LocalCluster.metric(port, "needlestack_cache_hits_total{tier=\"memory\"}")),
                Map.entry("memoryMisses", LocalCluster.metric(port, "needlestack_cache_misses_total{tier=\"memory\"}")),
                Map.entry("memoryEvictions",
                        LocalCluster.metric(port, "needlestack_cache_evictions_total{tier=\"memory\"}")),
                Map.entry("diskEntries", LocalCluster.metric(port, "needlestack_cache_entries{tier=\"disk\"}")),
                Map.entry("diskHits", LocalCluster.metric(port, "needlestack_cache_hits_total{tier=\"disk\"}")),
                Map.entry("diskMisses", LocalCluster.metric(port, "needlestack_cache_misses_total{tier=\"disk\"}")),
                Map.entry("diskEvictions", LocalCluster.metric(port, "needlestack_cache_evictions_total{tier=\"disk\"}")),
                Map.entry("pointerHits", LocalCluster.metric(port, "needlestack_cache_pointer_hits_total")),
                Map.entry("pointerMisses", LocalCluster.metric(port, "needlestack_cache_pointer_misses_total")));
    }

    private static void assertEveryHandlerAtOrBelow(JsonObject state, Level level) {
        JsonArray handlers = state.getJsonArray("handlers");
        assertFalse(handlers.isEmpty(), state.toString());
        for (JsonObject h : handlers.getValuesAs(JsonObject.class)) {
            assertTrue(Level.parse(h.getString("level")).intValue() <= level.intValue(),
                    "handler " + h + " lets " + level + " through: " + state);
        }
    }

    /** The node's log without ANSI colours (Payara Micro's console formatter colours levels). */
    private String log() {
        try {
            return Files.readString(node.log(), StandardCharsets.UTF_8).replaceAll("\u001B\\[[0-9;]*m", "");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /**
     * Whether the log holds {@code message} in a FINE record: the record's header (from its
     * opening {@code [} at the start of a line up to the message; the ODL format may put the
     * message on a line of its own) names the level.
     */
    private boolean fineRecord(String message) {
        String text = log();
        int at = text.indexOf(message);
        if (at < 0) {
            return false;
        }
        int header = text.lastIndexOf("\n[", at);
        String record = text.substring(Math.max(0, header), at);
        assertTrue(record.contains("FINE"), "the line is a FINE record: " + record + message);
        return true;
    }

    private static void awaitLog(BooleanSupplier found, String what) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!found.getAsBoolean()) {
            assertTrue(System.nanoTime() < until, what + " did not appear in the node's log within 20 s");
            Thread.sleep(200);
        }
    }

    /** The node plane's answer for a logger (null: the default one). */
    private JsonObject planeState(String logger) throws Exception {
        HttpResponse<String> r = plane("GET", "/_internal/v1/log-level" + (logger == null ? "" : "?logger=" + logger));
        assertEquals(200, r.statusCode(), r.body());
        return read(r.body());
    }

    /** A request to the node's internal plane, signed with the cluster secret as the manager signs it. */
    private HttpResponse<String> plane(String method, String target) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(node.internalEndpoint().resolve(target))
                .timeout(Duration.ofSeconds(30)).method(method, HttpRequest.BodyPublishers.noBody());
        new InternalAuth(ClusterSecret.load(node.dataDir())).sign(method, target).forEach(b::header);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A request to the manager's admin API as root. */
    private HttpResponse<String> admin(String method, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(node.endpoint().resolve("/_admin/api/" + path))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                        (node.accessKey() + ":" + node.secretKey()).getBytes(StandardCharsets.UTF_8)))
                .timeout(Duration.ofSeconds(30)).method(method, HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private LocalCluster.Result adm(String... args) throws Exception {
        return LocalCluster.adm(node.endpoint().toString(), node.dataDir(), args);
    }

    private static JsonObject read(String text) {
        try (var r = Json.createReader(new StringReader(text.trim()))) {
            return r.readObject();
        }
    }
}
