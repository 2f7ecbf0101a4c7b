package io.needlestack.manager.cluster;

import io.needlestack.core.internal.InternalAuth;
import io.needlestack.core.node.NodeRecord;
import io.needlestack.manager.internal.NodeInternalAuth;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Tells the gateways to drop changed account records from their near caches: one signed
 * {@code POST /_internal/v1/account/invalidate?cache=NAME&key=B64..} to every live node's
 * internal endpoint, all sent at once, and a wait for their answers bounded by
 * {@link #DEADLINE} in total. A node that does not confirm in time is logged (WARNING) and left
 * to its near cache's TTL ({@code needlestack.account.cache.local.seconds}): the bound on how
 * long it may still honour a deleted key or bucket.
 *
 * <p>Live means a heartbeat within {@link NodeRecord#LIVENESS}, also for a node that is
 * stopping (it may still serve requests while it drains); nodes without an internal endpoint
 * are skipped.
 */
@ApplicationScoped
class GatewayNearCaches {

    private static final Logger LOG = Logger.getLogger(GatewayNearCaches.class.getName());

    /** The request path of the gateways' invalidation. */
    static final String PATH = "/_internal/v1/account/invalidate";
    /** Bound of the whole fan-out: every node's answer is awaited at most this long. */
    static final Duration DEADLINE = Duration.ofSeconds(2);
    /** Keys per request, so a user with many keys does not make an over-long query string. */
    static final int KEYS_PER_REQUEST = 50;

    private final HttpClient http;
    private final Supplier<InternalAuth> auth;
    private final Duration deadline;
    @Inject
    NodeInternalAuth nodeAuth;

    GatewayNearCaches() {
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(DEADLINE).build();
        this.auth = () -> nodeAuth.get();
        this.deadline = DEADLINE;
    }

    GatewayNearCaches(HttpClient http, Supplier<InternalAuth> auth, Duration deadline) {
        this.http = Objects.requireNonNull(http, "http");
        this.auth = Objects.requireNonNull(auth, "auth");
        this.deadline = Objects.requireNonNull(deadline, "deadline");
    }

    /**
     * Invalidates {@code keys} of {@code cacheName} on every live node of {@code nodes}; returns
     * when all answered or the deadline passed.
     *
     * @return the ids of the nodes that did not confirm (already logged)
     */
    Set<String> invalidate(List<NodeRecord> nodes, String cacheName, Collection<String> keys) {
        if (keys.isEmpty()) {
            return Set.of();
        }
        Instant now = Instant.now();
        Map<String, String> endpoints = new LinkedHashMap<>();
        for (NodeRecord r : nodes) {
            if (!r.internalEndpoint().isBlank() && !r.heartbeat().plus(NodeRecord.LIVENESS).isBefore(now)) {
                endpoints.put(r.id(), r.internalEndpoint());
            }
        }
        return send(endpoints, cacheName, keys);
    }

    /**
     * Sends the invalidation to each endpoint (node id to internal endpoint) in parallel.
     *
     * @return the ids of the nodes that did not confirm (already logged)
     */
    Set<String> send(Map<String, String> endpoints, String cacheName, Collection<String> keys) {
        if (endpoints.isEmpty() || keys.isEmpty()) {
            return Set.of();
        }
        long until = System.nanoTime() + deadline.toNanos();
        List<String> targets = targets(cacheName, keys);
        record Call(String node, CompletableFuture<HttpResponse<String>> answer) {
        }
        List<Call> calls = new ArrayList<>();
        Map<String, String> failures = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : endpoints.entrySet()) {
            String base = e.getValue().endsWith("/") ? e.getValue().substring(0, e.getValue().length() - 1)
                    : e.getValue();
            for (String target : targets) {
                try {
                    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + target)).timeout(deadline)
                            .POST(HttpRequest.BodyPublishers.noBody());
                    auth.get().sign("POST", target).forEach(b::header);
                    calls.add(new Call(e.getKey(), http.sendAsync(b.build(), HttpResponse.BodyHandlers.ofString())));
                } catch (RuntimeException ex) {
                    failures.putIfAbsent(e.getKey(), String.valueOf(ex));
                }
            }
        }
        boolean interrupted = false;
        for (Call c : calls) {
            if (failures.containsKey(c.node())) {
                c.answer().cancel(true);
                continue;
            }
            try {
                long left = Math.max(0, until - System.nanoTime());
                HttpResponse<String> r = c.answer().get(left, TimeUnit.NANOSECONDS);
                if (r.statusCode() != 200) {
                    failures.put(c.node(), "answered " + r.statusCode() + " " + r.body());
                }
            } catch (TimeoutException e) {
                c.answer().cancel(true);
                failures.put(c.node(), "no answer within " + deadline.toMillis() + " ms");
            } catch (ExecutionException e) {
                failures.put(c.node(), String.valueOf(e.getCause()));
            } catch (InterruptedException e) {
                interrupted = true;
                c.answer().cancel(true);
                failures.put(c.node(), "interrupted while waiting");
            }
            if (interrupted) {
                // Keep going without waiting: the remaining calls count as unconfirmed.
                until = System.nanoTime();
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (!failures.isEmpty()) {
            LOG.log(Level.WARNING, () -> "near-cache invalidation of " + keys.size() + " key(s) of " + cacheName
                    + " not confirmed by " + failures + ": those nodes may answer with the old record until their"
                    + " needlestack.account.cache.local.seconds have passed");
        }
        return Set.copyOf(failures.keySet());
    }

    /** The request targets (path and query) for the keys, {@link #KEYS_PER_REQUEST} keys each. */
    static List<String> targets(String cacheName, Collection<String> keys) {
        if (!cacheName.matches("[A-Za-z0-9._-]+")) {
            throw new IllegalArgumentException("cache name not safe in a query: " + cacheName);
        }
        List<String> targets = new ArrayList<>();
        StringBuilder sb = null;
        int n = 0;
        for (String k : keys) {
            if (sb == null) {
                // Checked above: safe in a query as it is, and signed exactly as sent.
                sb = new StringBuilder(PATH).append("?cache=").append(cacheName);
            }
            sb.append("&key=").append(Base64.getUrlEncoder().withoutPadding()
                    .encodeToString(k.getBytes(StandardCharsets.UTF_8)));
            if (++n == KEYS_PER_REQUEST) {
                targets.add(sb.toString());
                sb = null;
                n = 0;
            }
        }
        if (sb != null) {
            targets.add(sb.toString());
        }
        return targets;
    }
}
