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

/**
 * Signed requests from the manager to a node's internal plane (HMAC with the cluster secret like
 * every internal request): the recovery requests under {@code /_internal/v1/recovery/}
 * ({@link #call}) and any other under {@code /_internal/v1/}, such as compaction ({@link #send}).
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
