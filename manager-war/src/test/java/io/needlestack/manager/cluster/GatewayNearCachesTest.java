package io.needlestack.manager.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import io.needlestack.core.internal.InternalAuth;
import io.needlestack.core.internal.InternalAuthException;
import io.needlestack.core.node.NodeRecord;

/** The fan-out against real HTTP servers that verify the signature as a gateway's filter does. */
class GatewayNearCachesTest {

    private static final byte[] SECRET = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8);

    private final List<HttpServer> servers = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(1)).build();
    private final InternalAuth signer = new InternalAuth(SECRET);

    @AfterEach
    void stop() {
        servers.forEach(s -> s.stop(0));
    }

    /** A gateway stand-in: verifies the HMAC, records the target, answers after {@code delay}. */
    private String gateway(List<String> received, Duration delay) throws IOException {
        InternalAuth verifier = new InternalAuth(SECRET);
        HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        s.setExecutor(Executors.newCachedThreadPool());
        s.createContext("/_internal/", (HttpExchange x) -> {
            String target = x.getRequestURI().getRawPath() + "?" + x.getRequestURI().getRawQuery();
            int status = 200;
            try {
                verifier.verify(x.getRequestMethod(), target, x.getRequestHeaders().getFirst(InternalAuth.DATE_HEADER),
                        x.getRequestHeaders().getFirst(InternalAuth.NONCE_HEADER),
                        x.getRequestHeaders().getFirst(InternalAuth.SIGNATURE_HEADER));
                received.add(x.getRequestMethod() + " " + target);
            } catch (InternalAuthException e) {
                status = 403;
            }
            try {
                Thread.sleep(delay.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            byte[] body = "{\"invalidated\":1}".getBytes(StandardCharsets.UTF_8);
            x.sendResponseHeaders(status, body.length);
            x.getResponseBody().write(body);
            x.close();
        });
        s.start();
        servers.add(s);
        return "http://127.0.0.1:" + s.getAddress().getPort();
    }

    private static String closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return "http://127.0.0.1:" + s.getLocalPort();
        }
    }

    private static String b64(String s) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void everyNodeGetsASignedRequestAndAnsweringNodesAreConfirmed() throws Exception {
        List<String> a = new CopyOnWriteArrayList<>();
        List<String> b = new CopyOnWriteArrayList<>();
        GatewayNearCaches fanOut = new GatewayNearCaches(http, () -> signer, Duration.ofSeconds(2));
        Set<String> unconfirmed = fanOut.send(Map.of("a", gateway(a, Duration.ZERO), "b", gateway(b, Duration.ZERO)),
                "needlestack.credentials", List.of("AKIA1", "ÄK/+ 2"));
        assertEquals(Set.of(), unconfirmed);
        String expected = "POST /_internal/v1/account/invalidate?cache=needlestack.credentials&key=" + b64("AKIA1")
                + "&key=" + b64("ÄK/+ 2");
        assertEquals(List.of(expected), a);
        assertEquals(List.of(expected), b);
    }

    @Test
    void slowAndUnreachableNodesAreReportedWithinTheDeadline() throws Exception {
        List<String> fast = new CopyOnWriteArrayList<>();
        List<String> slow = new CopyOnWriteArrayList<>();
        Duration deadline = Duration.ofMillis(800);
        GatewayNearCaches fanOut = new GatewayNearCaches(http, () -> signer, deadline);
        Map<String, String> endpoints = Map.of("fast", gateway(fast, Duration.ZERO),
                "slow", gateway(slow, Duration.ofSeconds(5)), "gone", closedPort());
        long t0 = System.nanoTime();
        Set<String> unconfirmed = fanOut.send(endpoints, "needlestack.buckets", List.of("b1"));
        long millis = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(Set.of("slow", "gone"), unconfirmed);
        assertEquals(1, fast.size());
        // In parallel and bounded in total: not 5 s for the slow node.
        assertTrue(millis < deadline.toMillis() + 1000, "took " + millis + " ms");
    }

    @Test
    void aRefusedSignatureCountsAsUnconfirmed() throws Exception {
        List<String> received = new CopyOnWriteArrayList<>();
        InternalAuth wrong = new InternalAuth("another secret, another cluster!".getBytes(StandardCharsets.UTF_8));
        GatewayNearCaches fanOut = new GatewayNearCaches(http, () -> wrong, Duration.ofSeconds(2));
        assertEquals(Set.of("n"), fanOut.send(Map.of("n", gateway(received, Duration.ZERO)), "needlestack.buckets",
                List.of("b1")));
        assertEquals(List.of(), received);
    }

    @Test
    void onlyLiveNodesWithAnInternalEndpointAreAsked() throws Exception {
        List<String> live = new CopyOnWriteArrayList<>();
        List<String> stopping = new CopyOnWriteArrayList<>();
        List<String> down = new CopyOnWriteArrayList<>();
        Instant now = Instant.now();
        List<NodeRecord> nodes = List.of(
                record("live", gateway(live, Duration.ZERO), now, false),
                record("stopping", gateway(stopping, Duration.ZERO), now, true),
                record("down", gateway(down, Duration.ZERO), now.minus(NodeRecord.LIVENESS).minusSeconds(1), false),
                record("no-plane", "", now, false));
        GatewayNearCaches fanOut = new GatewayNearCaches(http, () -> signer, Duration.ofSeconds(2));
        assertEquals(Set.of(), fanOut.invalidate(nodes, "needlestack.buckets", List.of("b1")));
        assertEquals(1, live.size());
        assertEquals(1, stopping.size());
        assertEquals(0, down.size());
        assertEquals(Set.of(), fanOut.invalidate(nodes, "needlestack.buckets", List.of()));
        assertEquals(1, live.size());
    }

    @Test
    void manyKeysAreSentInBatches() {
        List<String> keys = IntStream.range(0, 120).mapToObj(i -> "AK" + i).toList();
        List<String> targets = GatewayNearCaches.targets("needlestack.credentials", keys);
        assertEquals(3, targets.size());
        int sent = 0;
        for (String t : targets) {
            assertTrue(t.startsWith(GatewayNearCaches.PATH + "?cache=needlestack.credentials&key="), t);
            sent += t.split("&key=").length - 1;
        }
        assertEquals(120, sent);
        assertTrue(targets.get(2).endsWith("&key=" + b64("AK119")), targets.get(2));
        assertThrows(IllegalArgumentException.class, () -> GatewayNearCaches.targets("a&b", List.of("k")));
    }

    private static NodeRecord record(String id, String internal, Instant heartbeat, boolean stopping) {
        return new NodeRecord(id, id, List.of("gateway"), "http://127.0.0.1:1", internal, "", heartbeat, heartbeat,
                stopping, 0, 0);
    }
}
