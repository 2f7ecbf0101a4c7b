package io.needlestack.manager.recovery;

import io.needlestack.core.config.NodeConfig;
import io.needlestack.core.node.NodeRecord;
import io.needlestack.manager.cluster.PayaraCluster;
import io.needlestack.manager.internal.NodeInternalAuth;
import io.needlestack.manager.ring.ClusterException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Signed requests from the manager to a node's internal plane (HMAC with the cluster secret like
 * every internal request): the recovery requests under {@code /_internal/v1/recovery/}
 * ({@link #call}) and any other under {@code /_internal/v1/}, such as compaction ({@link #send}), also
 * to several nodes at once ({@link #sendAll}: log levels, cache purges).
 * A node that cannot be reached is a {@link ClusterException} {@code NodeUnreachable} (503).
 */
@ApplicationScoped
public class NodePlane {

    private static final String BASE = "/_internal/v1/";
    private static final String RECOVERY = "recovery/";

    @Inject
    PayaraCluster cluster;

    @Inject
    NodeInternalAuth auth;

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(3)).build();

    /** A node's answer: status and JSON body. */
    public record Answer(int status, String body) {
    }

    /** Base64url of the UTF-8 bytes, as the internal plane takes strings. */
    public static String encode(String s) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Sends {@code method} to {@code /_internal/v1/recovery/ + pathAndQuery} on the node at
     * {@code internalEndpoint}.
     */
    public Answer call(String internalEndpoint, String method, String pathAndQuery, Duration timeout) {
        return send(internalEndpoint, method, RECOVERY + pathAndQuery, timeout);
    }

    /**
     * Sends {@code method} to {@code /_internal/v1/ + pathAndQuery} on the node at
     * {@code internalEndpoint}, e.g. {@code compaction/status}.
     */
    public Answer send(String internalEndpoint, String method, String pathAndQuery, Duration timeout) {
        String target = BASE + pathAndQuery;
        String base = internalEndpoint.endsWith("/") ? internalEndpoint.substring(0, internalEndpoint.length() - 1)
                : internalEndpoint;
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + target)).timeout(timeout)
                .method(method, HttpRequest.BodyPublishers.noBody());
        auth.get().sign(method, target).forEach(b::header);
        try {
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new Answer(r.statusCode(), r.body());
        } catch (IOException e) {
            throw new ClusterException("NodeUnreachable", 503, "node at " + internalEndpoint + " cannot be reached: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClusterException("NodeUnreachable", 503, "interrupted");
        }
    }

    /**
     * A node's outcome of {@link #sendAll}.
     *
     * @param answer its answer, null when there is none
     * @param error  why there is no answer (unreachable, no answer in time), null when there is one
     */
    public record Outcome(Answer answer, String error) {
    }

    /**
     * Sends {@code method} to {@code /_internal/v1/ + pathAndQuery} on every node of
     * {@code endpoints} (node id to internal endpoint) at once, each request signed on its own,
     * and waits for their answers at most {@code deadline} in all (as the gateways' near-cache
     * invalidation does): an operator's request to every node takes as long as the slowest
     * node, not their sum.
     *
     * @return every node's outcome, by node id, in the order of {@code endpoints}
     */
    public Map<String, Outcome> sendAll(Map<String, String> endpoints, String method, String pathAndQuery,
                                        Duration deadline) {
        String target = BASE + pathAndQuery;
        long until = System.nanoTime() + deadline.toNanos();
        Map<String, CompletableFuture<HttpResponse<String>>> calls = new LinkedHashMap<>();
        Map<String, Outcome> out = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : endpoints.entrySet()) {
            out.put(e.getKey(), null);
            try {
                String base = e.getValue().endsWith("/") ? e.getValue().substring(0, e.getValue().length() - 1)
                        : e.getValue();
                HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + target)).timeout(deadline)
                        .method(method, HttpRequest.BodyPublishers.noBody());
                auth.get().sign(method, target).forEach(b::header);
                calls.put(e.getKey(), http.sendAsync(b.build(), HttpResponse.BodyHandlers.ofString()));
            } catch (RuntimeException ex) {
                out.put(e.getKey(), new Outcome(null, String.valueOf(ex)));
            }
        }
        boolean interrupted = false;
        for (Map.Entry<String, CompletableFuture<HttpResponse<String>>> c : calls.entrySet()) {
            try {
                long left = interrupted ? 0 : Math.max(0, until - System.nanoTime());
                HttpResponse<String> r = c.getValue().get(left, TimeUnit.NANOSECONDS);
                out.put(c.getKey(), new Outcome(new Answer(r.statusCode(), r.body()), null));
            } catch (TimeoutException e) {
                c.getValue().cancel(true);
                out.put(c.getKey(), new Outcome(null, "no answer within " + deadline.toMillis() + " ms"));
            } catch (ExecutionException e) {
                out.put(c.getKey(), new Outcome(null, "cannot be reached: " + e.getCause()));
            } catch (InterruptedException e) {
                // The remaining calls count as unanswered, without waiting for them.
                interrupted = true;
                c.getValue().cancel(true);
                out.put(c.getKey(), new Outcome(null, "interrupted while waiting"));
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return out;
    }

    /**
     * A live node with a data plane to ask about objects: this manager's own node when it is one,
     * else the live node with the smallest id.
     */
    public NodeRecord anyLiveNode() {
        Instant now = Instant.now();
        String self = NodeConfig.current().nodeId();
        return cluster.nodeRecords().stream()
                .filter(r -> r.liveness(now) == NodeRecord.Liveness.RUNNING && !r.internalEndpoint().isBlank())
                .min(Comparator.comparing((NodeRecord r) -> !r.id().equals(self)).thenComparing(NodeRecord::id))
                .orElseThrow(() -> new ClusterException("NoLiveNode", 503, "no live node with a data plane is registered"));
    }
}
