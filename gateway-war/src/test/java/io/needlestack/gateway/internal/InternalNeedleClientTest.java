package io.needlestack.gateway.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.needlestack.core.internal.InternalAuth;
import io.needlestack.storage.store.NeedleKey;
import io.needlestack.storage.store.NeedleRecord;
import io.needlestack.storage.store.StoreFullException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The client's failure typing and time bounds against a real (JDK) HTTP server that answers
 * what each test scripts: the server side of the plane is tested against a real node in
 * server-config's InternalPlaneIT.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class InternalNeedleClientTest {

    private interface Script {
        void answer(HttpExchange x) throws IOException;
    }

    private final AtomicReference<Script> script = new AtomicReference<>();
    private final CountDownLatch release = new CountDownLatch(1);
    private HttpServer server;
    private InternalNeedleClient client;
    private final AtomicReference<String> seenTarget = new AtomicReference<>();
    private final AtomicReference<String> seenSignature = new AtomicReference<>();
    private final java.util.Set<Integer> seenPorts = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private InternalHttp transport;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/", x -> {
            seenTarget.set(x.getRequestURI().getRawPath() + "?" + x.getRequestURI().getRawQuery());
            seenSignature.set(x.getRequestHeaders().getFirst(InternalAuth.SIGNATURE_HEADER));
            seenPorts.add(x.getRemoteAddress().getPort());
            try (x) {
                script.get().answer(x);
            }
        });
        server.start();
        transport = InternalNeedleClient.httpClient(Duration.ofSeconds(2));
        client = new InternalNeedleClient(URI.create("http://127.0.0.1:" + server.getAddress().getPort()),
                new InternalAuth("0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8)),
                transport, Duration.ofSeconds(1));
    }

    @AfterEach
    void stop() {
        transport.close();
        release.countDown();
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }

    private static void answer(HttpExchange x, int status, String body, String... headers) throws IOException {
        for (int i = 0; i < headers.length; i += 2) {
            x.getResponseHeaders().add(headers[i], headers[i + 1]);
        }
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        x.sendResponseHeaders(status, b.length == 0 ? -1 : b.length);
        if (b.length > 0) {
            x.getResponseBody().write(b);
        }
    }

    private static NeedleRecord record(long length) {
        return new NeedleRecord(NeedleKey.object("b", "k"), 1, "v", false, null, length, "", 0, 0, 0, 0);
    }

    @Test
    void requestsAreSignedOverTheTargetAsSent() {
        script.set(x -> answer(x, 404, NeedleJson.error("NoSuchNeedle", "", false), InternalProtocol.ABSENT_HEADER, "true"));
        assertTrue(client.head(NeedleKey.object("b", "a/b c?d")).isEmpty());
        assertTrue(seenTarget.get().startsWith("/_internal/v1/record?kind=OBJECT&bucket=Yg&name="), seenTarget.get());
        assertTrue(seenSignature.get().startsWith("v1="), seenSignature.get());
    }

    @Test
    void failuresAreTyped() {
        NeedleKey key = NeedleKey.object("b", "k");
        script.set(x -> answer(x, 507, NeedleJson.error("StoreFullException", "disk full", true)));
        assertThrows(StoreFullException.class, () -> client.head(key));

        script.set(x -> answer(x, 403, NeedleJson.error("AccessDenied", "no", false)));
        ReplicaRefusedException refused = assertThrows(ReplicaRefusedException.class, () -> client.head(key));
        assertEquals(403, refused.status());
        assertEquals("AccessDenied", refused.code());
        assertFalse(refused.retryable());

        // A 404 that is not "no such needle" (a wrong port, a proxy) is a refusal, not an absence.
        script.set(x -> answer(x, 404, "<html>not found</html>"));
        assertEquals(404, assertThrows(ReplicaRefusedException.class, () -> client.head(key)).status());

        script.set(x -> answer(x, 502, "bad gateway"));
        assertTrue(assertThrows(ReplicaUnavailableException.class, () -> client.head(key)).retryable());
    }

    @Test
    void aPeerThatNeverAnswersTimesOut() {
        script.set(x -> {
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        long t0 = System.nanoTime();
        assertThrows(ReplicaUnavailableException.class, () -> client.stats());
        assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(10));
    }

    @Test
    void aPeerThatStallsMidStreamFailsTheReadInsteadOfHanging() throws Exception {
        script.set(x -> {
            x.sendResponseHeaders(200, 1000);
            OutputStream out = x.getResponseBody();
            out.write(new byte[100]);
            out.flush();
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        try (InputStream in = client.open(record(1000), 0, 1000)) {
            assertArrayEquals(new byte[100], in.readNBytes(100));
            long t0 = System.nanoTime();
            assertThrows(SocketTimeoutException.class, () -> in.read(new byte[10]));
            assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(10));
        }
    }

    @Test
    void aShortDataStreamIsAnErrorNotAnEndOfData() throws Exception {
        // The answer claims 10 bytes of the 20 the caller asked for: the stream must not end quietly.
        script.set(x -> answer(x, 200, "0123456789"));
        try (InputStream in = client.open(record(20), 0, 20)) {
            assertThrows(IOException.class, in::readAllBytes);
        }
    }

    @Test
    void anUnreachablePeerIsRetryable() throws Exception {
        int port = server.getAddress().getPort();
        server.stop(0);
        InternalNeedleClient gone = new InternalNeedleClient(URI.create("http://127.0.0.1:" + port),
                new InternalAuth("0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8)),
                transport, Duration.ofSeconds(1));
        assertTrue(assertThrows(ReplicaUnavailableException.class,
                () -> gone.head(NeedleKey.object("b", "k"))).retryable());
    }

    @Test
    void answersReadToTheEndLeaveTheirConnectionForTheNextCall() throws Exception {
        script.set(x -> answer(x, 404, NeedleJson.error("NoSuchNeedle", "", false), InternalProtocol.ABSENT_HEADER, "true"));
        for (int i = 0; i < 20; i++) {
            assertTrue(client.head(NeedleKey.object("b", "k" + i)).isEmpty());
        }
        script.set(x -> answer(x, 200, "0123456789"));
        for (int i = 0; i < 5; i++) {
            try (InputStream in = client.open(record(10), 0, 10)) {
                assertEquals(10, in.readAllBytes().length);
            }
        }
        assertEquals(1, seenPorts.size(), "connections used: " + seenPorts);
    }

    @Test
    void aDataStreamClosedEarlyIsNotReadOut() throws Exception {
        // 64 MiB announced, 1 MiB sent, then the peer stalls: closing after the first bytes must
        // not wait for the rest (a graceful close would drain the body up to the idle bound).
        script.set(x -> {
            x.sendResponseHeaders(200, 64L << 20);
            OutputStream out = x.getResponseBody();
            out.write(new byte[1 << 20]);
            out.flush();
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        InputStream in = client.open(record(64L << 20), 0, 64L << 20);
        assertEquals(100, in.readNBytes(100).length);
        long t0 = System.nanoTime();
        in.close();
        assertTrue(System.nanoTime() - t0 < TimeUnit.MILLISECONDS.toNanos(500),
                "close took " + (System.nanoTime() - t0) / 1_000_000 + " ms");
    }

    @Test
    void aPeerThatStopsReadingABodyIsCutOffAtTheDeadline() throws Exception {
        // The peer never reads: once the socket buffers are full, the write blocks, and only the
        // watchdog (closing the connection) can end it.
        script.set(x -> {
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        var put = new org.apache.hc.client5.http.classic.methods.HttpUriRequestBase("PUT",
                URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/_internal/v1/needle"));
        put.setConfig(InternalHttp.requestConfig(Duration.ofSeconds(30)));
        put.setEntity(new org.apache.hc.core5.http.io.entity.InputStreamEntity(
                new java.io.ByteArrayInputStream(new byte[256 << 20]), 256L << 20, null));
        long t0 = System.nanoTime();
        IOException e = assertThrows(IOException.class, () -> transport.open(
                org.apache.hc.core5.http.HttpHost.create("http://127.0.0.1:" + server.getAddress().getPort()),
                put, Duration.ofSeconds(1)));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(ms >= 900 && ms < 5_000, "failed after " + ms + " ms: " + e);
        assertTrue(e.getMessage().contains("no answer within 1000 ms"), e.getMessage());
    }
}
