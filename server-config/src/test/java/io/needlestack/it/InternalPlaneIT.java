package io.needlestack.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.needlestack.core.internal.ClusterSecret;
import io.needlestack.core.internal.InternalAuth;
import io.needlestack.gateway.internal.InternalHttp;
import io.needlestack.gateway.internal.InternalNeedleClient;
import io.needlestack.gateway.internal.NeedleDigest;
import io.needlestack.gateway.internal.ReplicaRefusedException;
import io.needlestack.gateway.internal.ReplicaUnavailableException;
import io.needlestack.storage.store.DataLengthException;
import io.needlestack.storage.store.NeedleKey;
import io.needlestack.storage.store.NeedleKind;
import io.needlestack.storage.store.NeedleRecord;
import io.needlestack.storage.store.NeedleWrite;
import io.needlestack.storage.store.PutResult;
import io.needlestack.storage.store.StoreStats;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The node-to-node data plane against one real all-in-one node started by the launcher: needles
 * of 0 B, 4 KiB and 6 MiB stored, read (whole and by range), listed and deleted through
 * {@link InternalNeedleClient}; unsigned, wrongly signed and replayed requests refused with 403;
 * {@code /_internal} absent from the S3 port and S3 absent from the internal port. One node for
 * the whole class; every wait bounded.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class InternalPlaneIT {

    private static final String BUCKET = "internal-it";
    private static final AtomicLong HLC = new AtomicLong(System.currentTimeMillis() << 16);

    private static NodeProcess node;
    private static HttpClient http;
    private static InternalHttp transport;
    private static InternalAuth signer;
    private static InternalNeedleClient client;

    @BeforeAll
    static void startNode() {
        assumeTrue(NodeProcess.adapterPresent(), "needle-rar has no adapter implementation: the gateway cannot deploy");
        node = NodeProcess.builder("internal").start();
        http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        transport = InternalNeedleClient.httpClient(Duration.ofSeconds(5));
        signer = new InternalAuth(ClusterSecret.load(node.dataDir()));
        client = new InternalNeedleClient(node.internalEndpoint(), signer, transport, Duration.ofSeconds(30));
    }

    @AfterAll
    static void stopNode() {
        if (transport != null) {
            transport.close();
        }
        if (node != null) {
            node.stop();
            assertFalse(node.isAlive());
        }
    }

    private static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static String md5(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(b));
    }

    private static byte[] read(InputStream in) throws IOException {
        try (in) {
            return in.readAllBytes();
        }
    }

    @Test
    void needlesOfEverySizeRoundTripByteForByte() throws Exception {
        // Any character must survive: '/', '%', '+', '&', '?', '#', spaces, newline, non-ASCII.
        String prefix = "dir/ä %2F+&?#\n";
        for (int size : new int[] {0, 4096, 6 * 1024 * 1024}) {
            byte[] data = random(size, size);
            String name = prefix + size;
            NeedleKey key = NeedleKey.object(BUCKET, name);
            long hlc = HLC.incrementAndGet();
            Map<String, String> meta = Map.of("content-type", "application/x-test", "x-amz-meta-note", "é & \"q\"");
            PutResult put = client.put(new NeedleWrite(key, hlc, "v" + size, false, meta),
                    new ByteArrayInputStream(data), size, false);
            assertTrue(put.applied());
            NeedleRecord rec = put.record();
            assertEquals(key, rec.key());
            assertEquals(hlc, rec.hlc());
            assertEquals(size, rec.dataLength());
            assertEquals(md5(data), rec.md5Hex());
            assertEquals(meta, rec.metadata());

            assertEquals(Optional.of(rec), client.head(key));
            assertEquals(Optional.of(rec), client.head(key, "v" + size));
            assertEquals(Optional.empty(), client.head(key, "no-such-version"));
            assertEquals(Optional.of(NeedleDigest.of(rec)), client.digest(key));

            assertArrayEquals(data, read(client.open(rec, 0, size)), "whole data of " + size + " B");
            if (size > 0) {
                int from = size / 3, len = size / 2;
                byte[] part = read(client.open(rec, from, len));
                assertArrayEquals(java.util.Arrays.copyOfRange(data, from, from + len), part, "range of " + size + " B");
                assertArrayEquals(new byte[0], read(client.open(rec, size, 0)));
            }
            ReplicaRefusedException range = assertThrows(ReplicaRefusedException.class,
                    () -> client.open(rec, 0, size + 1L));
            assertEquals(416, range.status());
        }

        List<NeedleRecord> listed = client.list(NeedleKind.OBJECT, BUCKET, prefix, null, 100, false);
        assertEquals(List.of(prefix + "0", prefix + "4096", prefix + (6 * 1024 * 1024)),
                listed.stream().map(r -> r.key().name()).toList());
        assertEquals(List.of(prefix + "4096"), client.list(NeedleKind.OBJECT, BUCKET, prefix, prefix + "0", 1, false)
                .stream().map(r -> r.key().name()).toList());

        // Delete: a tombstone with a newer HLC; listed only when tombstones are asked for.
        NeedleKey gone = NeedleKey.object(BUCKET, prefix + "4096");
        PutResult del = client.delete(gone, HLC.incrementAndGet(), "vdel", false);
        assertTrue(del.applied());
        assertTrue(del.record().tombstone());
        assertTrue(client.head(gone).orElseThrow().tombstone());
        assertTrue(client.digest(gone).orElseThrow().tombstone());
        assertEquals(2, client.list(NeedleKind.OBJECT, BUCKET, prefix, null, 100, false).size());
        assertEquals(3, client.list(NeedleKind.OBJECT, BUCKET, prefix, null, 100, true).size());

        // An older write does not replace the newer version.
        PutResult stale = client.put(new NeedleWrite(gone, 1, "ancient", false, null),
                new ByteArrayInputStream(new byte[] {1}), 1, false);
        assertFalse(stale.applied());
        assertTrue(stale.record().tombstone());

        StoreStats stats = client.stats();
        assertTrue(stats.puts() >= 4, stats.toString());
        assertTrue(stats.writable());
    }

    @Test
    void otherNeedleKindsAndUnknownNeedles() {
        NeedleKey chunk = new NeedleKey(NeedleKind.CHUNK, BUCKET, "k\nv1\n0");
        PutResult p = client.put(new NeedleWrite(chunk, HLC.incrementAndGet(), "v1", false, null),
                new ByteArrayInputStream("chunk".getBytes(StandardCharsets.UTF_8)), 5, true);
        assertEquals(Optional.of(p.record()), client.head(chunk));
        assertEquals(Optional.empty(), client.head(NeedleKey.object(BUCKET, "k\nv1\n0")), "kinds are separate");
        assertEquals(Optional.empty(), client.digest(NeedleKey.object("no-such-bucket", "x")));
        ReplicaRefusedException e = assertThrows(ReplicaRefusedException.class, () -> client.open(
                new NeedleRecord(NeedleKey.object(BUCKET, "never-written"), 1, "v", false, null, 1, "", 0, 0, 0, 0), 0, 1));
        assertEquals(404, e.status());
    }

    @Test
    void metadataLargerThanADefaultHeaderBufferTravelsInTheSignedQuery() {
        // About 16 KB of query string: over Grizzly's default 8 KiB, within the internal listener's 64 KiB.
        Map<String, String> meta = new java.util.TreeMap<>();
        for (int i = 0; i < 6; i++) {
            meta.put("x-amz-meta-m" + i, ("v" + i + "é&=?/").repeat(250));
        }
        NeedleKey key = NeedleKey.object(BUCKET, "big-metadata");
        PutResult p = client.put(new NeedleWrite(key, HLC.incrementAndGet(), "v", false, meta),
                new ByteArrayInputStream(new byte[] {7}), 1, false);
        assertEquals(meta, p.record().metadata());
        assertEquals(meta, client.head(key).orElseThrow().metadata());
    }

    @Test
    void theInternalListenerHasItsOwnThreadPool() throws Exception {
        client.stats();
        Path jstack = Path.of(ProcessHandle.current().info().command().orElseThrow()).resolveSibling("jstack");
        assumeTrue(Files.isExecutable(jstack), "no jstack next to " + jstack);
        Process p = new ProcessBuilder(jstack.toString(), Long.toString(node.pid())).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        String threads = new String(out, StandardCharsets.UTF_8);
        assertTrue(threads.contains("\"internal-thread-pool::internal-listener("), "no internal pool threads");
        assertTrue(threads.contains("\"http-thread-pool::http-listener("), "no S3 pool threads");
    }

    @Test
    void shortDataIsADataLengthFailureAndNothingIsStored() {
        NeedleKey key = NeedleKey.object(BUCKET, "short");
        assertThrows(DataLengthException.class, () -> client.put(new NeedleWrite(key, HLC.incrementAndGet(), "v", false,
                null), new ByteArrayInputStream(new byte[10]), 100, false));
        assertEquals(Optional.empty(), client.head(key));
    }

    @Test
    void requestsWithoutAValidHmacAreRefusedWithNoWorkDone() throws Exception {
        URI internal = node.internalEndpoint();
        String statsTarget = "/_internal/v1/stats";
        assertEquals(403, send(HttpRequest.newBuilder(internal.resolve(statsTarget)).GET()).statusCode());

        // A PUT without a signature stores nothing.
        NeedleKey key = NeedleKey.object(BUCKET, "unsigned");
        String w = io.needlestack.gateway.internal.InternalProtocol.encode(io.needlestack.gateway.internal.NeedleJson
                .write(new NeedleWrite(key, HLC.incrementAndGet(), "v", false, null), false));
        String putTarget = "/_internal/v1/needle?w=" + w;
        assertEquals(403, send(HttpRequest.newBuilder(internal.resolve(putTarget))
                .PUT(HttpRequest.BodyPublishers.ofString("evil"))).statusCode());
        assertEquals(Optional.empty(), client.head(key));

        // Signed for another path, or with another secret: refused.
        HttpRequest.Builder other = HttpRequest.newBuilder(internal.resolve(putTarget))
                .PUT(HttpRequest.BodyPublishers.ofString("evil"));
        signer.sign("PUT", "/_internal/v1/needle?w=" + w + "x").forEach(other::header);
        assertEquals(403, send(other).statusCode());
        InternalNeedleClient wrongSecret = new InternalNeedleClient(internal,
                new InternalAuth("another-secret-of-enough-length".getBytes(StandardCharsets.UTF_8)), transport,
                Duration.ofSeconds(10));
        ReplicaRefusedException refused = assertThrows(ReplicaRefusedException.class,
                () -> wrongSecret.put(new NeedleWrite(key, HLC.incrementAndGet(), "v", false, null),
                        new ByteArrayInputStream(new byte[4]), 4, false));
        assertEquals(403, refused.status());
        assertEquals(Optional.empty(), client.head(key));

        // A correctly signed request works once; the same bytes sent again are a replay.
        Map<String, String> headers = signer.sign("GET", statsTarget);
        HttpRequest.Builder first = HttpRequest.newBuilder(internal.resolve(statsTarget)).GET();
        headers.forEach(first::header);
        HttpResponse<String> ok = send(first);
        assertEquals(200, ok.statusCode(), ok.body());
        assertTrue(ok.body().contains("\"writable\""), ok.body());
        HttpRequest.Builder again = HttpRequest.newBuilder(internal.resolve(statsTarget)).GET();
        headers.forEach(again::header);
        assertEquals(403, send(again).statusCode());

        // HEAD of a record: the status only, signed like any other request.
        NeedleKey present = NeedleKey.object(BUCKET, "head-me");
        client.put(new NeedleWrite(present, HLC.incrementAndGet(), "v", false, null),
                new ByteArrayInputStream(new byte[3]), 3, false);
        for (NeedleKey k : List.of(present, NeedleKey.object(BUCKET, "not-there"))) {
            String t = "/_internal/v1/record?kind=OBJECT&bucket="
                    + io.needlestack.gateway.internal.InternalProtocol.encode(k.bucket()) + "&name="
                    + io.needlestack.gateway.internal.InternalProtocol.encode(k.name());
            HttpRequest.Builder head = HttpRequest.newBuilder(internal.resolve(t))
                    .method("HEAD", HttpRequest.BodyPublishers.noBody());
            signer.sign("HEAD", t).forEach(head::header);
            HttpResponse<String> h = send(head);
            assertEquals(k == present ? 200 : 404, h.statusCode(), t);
            assertEquals("", h.body());
        }

        // Signed, but a wrong method or a malformed parameter: a JSON error with its own status,
        // and nothing stored.
        String[][] wrong = {
            {"DELETE", "/_internal/v1/needle?w=" + w, "405", "MethodNotAllowed"},
            {"GET", "/_internal/v1/data?kind=OBJECT&bucket=" + io.needlestack.gateway.internal.InternalProtocol.encode(BUCKET)
                    + "&name=" + io.needlestack.gateway.internal.InternalProtocol.encode(present.name())
                    + "&version=" + io.needlestack.gateway.internal.InternalProtocol.encode("v") + "&from=x", "400",
                "BadRequest"},
            {"GET", "/_internal/v1/record?kind=NOTAKIND&bucket=Yg&name=Yg", "400", "BadRequest"},
            {"GET", "/_internal/v1/list?kind=OBJECT&bucket=Yg&limit=99999999", "400", "BadRequest"},
        };
        for (String[] c : wrong) {
            HttpRequest.Builder b = HttpRequest.newBuilder(internal.resolve(c[1]))
                    .method(c[0], HttpRequest.BodyPublishers.noBody());
            signer.sign(c[0], c[1]).forEach(b::header);
            HttpResponse<String> r = send(b);
            assertEquals(Integer.parseInt(c[2]), r.statusCode(), c[0] + " " + c[1] + ": " + r.body());
            assertTrue(r.body().contains(c[3]), r.body());
        }
        assertEquals(Optional.empty(), client.head(key));
    }

    @Test
    void theTwoPortsServeOnlyTheirOwnPlane() throws Exception {
        // Signed and fresh, but on the S3 port: the internal plane does not exist there.
        String target = "/_internal/v1/stats";
        HttpRequest.Builder onS3 = HttpRequest.newBuilder(node.endpoint().resolve(target)).GET();
        signer.sign("GET", target).forEach(onS3::header);
        assertEquals(404, send(onS3).statusCode());
        assertEquals(404, send(HttpRequest.newBuilder(node.endpoint().resolve("/_internal/v1/needle?w=e30"))
                .PUT(HttpRequest.BodyPublishers.ofString("x"))).statusCode());
        // S3 and the node's other paths are not served on the internal port.
        assertEquals(200, send(HttpRequest.newBuilder(node.endpoint().resolve("/_health")).GET()).statusCode());
        assertEquals(404, send(HttpRequest.newBuilder(node.internalEndpoint().resolve("/_health")).GET()).statusCode());
        assertEquals(404, send(HttpRequest.newBuilder(node.internalEndpoint().resolve("/")).GET()).statusCode());
        assertEquals(404, send(HttpRequest.newBuilder(node.internalEndpoint().resolve("/some-bucket/key")).GET())
                .statusCode());
    }

    @Test
    void anUnreachableNodeIsARetryableFailure() {
        int closed = NodeProcess.freePort();
        InternalNeedleClient nobody = new InternalNeedleClient(URI.create("http://127.0.0.1:" + closed), signer, transport,
                Duration.ofSeconds(5));
        ReplicaUnavailableException e = assertThrows(ReplicaUnavailableException.class,
                () -> nobody.head(NeedleKey.object(BUCKET, "x")));
        assertTrue(e.retryable());
    }

    @Test
    void throughputOf64MiBNeedle() throws Exception {
        int size = 64 * 1024 * 1024;
        byte[] data = random(size, 64);
        String expectedMd5 = md5(data);
        NeedleKey key = NeedleKey.object(BUCKET, "big-64MiB");
        // Round 0 warms both JVMs up; informative only, so the numbers are printed, not asserted.
        StringBuilder report = new StringBuilder();
        double bestPut = 0, bestGet = 0;
        for (int round = 0; round <= 3; round++) {
            long t0 = System.nanoTime();
            PutResult put = client.put(new NeedleWrite(key, HLC.incrementAndGet(), "big" + round, false, null),
                    new ByteArrayInputStream(data), size, false);
            long t1 = System.nanoTime();
            MessageDigest md5 = MessageDigest.getInstance("MD5");
            long n = 0;
            try (InputStream in = client.open(put.record(), 0, size)) {
                byte[] buf = new byte[256 * 1024];
                for (int r; (r = in.read(buf)) > 0; n += r) {
                    md5.update(buf, 0, r);
                }
            }
            long t2 = System.nanoTime();
            assertEquals(size, n);
            assertEquals(expectedMd5, HexFormat.of().formatHex(md5.digest()));
            assertEquals(expectedMd5, put.record().md5Hex());
            double putMb = size / 1e6 / ((t1 - t0) / 1e9), getMb = size / 1e6 / ((t2 - t1) / 1e9);
            if (round > 0) {
                bestPut = Math.max(bestPut, putMb);
                bestGet = Math.max(bestGet, getMb);
            }
            report.append(String.format(" round %d: PUT %.0f MB/s, GET %.0f MB/s;", round, putMb, getMb));
        }
        System.out.printf("InternalPlaneIT: 64 MiB needle over the internal plane (load average %.1f):%s"
                + " best after warm-up: PUT %.0f MB/s, GET %.0f MB/s%n",
                java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
                report, bestPut, bestGet);
    }

    private static HttpResponse<String> send(HttpRequest.Builder b) throws Exception {
        return http.send(b.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
