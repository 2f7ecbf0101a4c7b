package io.needlestack.gateway.internal;

import io.needlestack.core.config.NodeConfig;
import io.needlestack.core.internal.ClusterSecret;
import io.needlestack.core.internal.InternalAuth;
import io.needlestack.core.ring.RingNode;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The internal-plane clients of a background pass (one per node it asks, sharing one pooled
 * transport), signed with this node's cluster secret and bounded by
 * {@code needlestack.replica.timeout.ms} (default 8000) per request.
 */
public final class InternalClients implements AutoCloseable {

    private final InternalAuth auth;
    private final InternalHttp http;
    private final Duration timeout;
    private final Map<String, InternalNeedleClient> clients = new ConcurrentHashMap<>();

    /** Clients for the node {@code config} describes. */
    public InternalClients(NodeConfig config) {
        this.auth = ClusterSecret.auth(config.dataDirectory());
        this.http = InternalNeedleClient.httpClient(Duration.ofSeconds(2));
        this.timeout = Duration.ofMillis(config.getLong("needlestack.replica.timeout.ms", 8_000));
    }

    /** The client of one node's internal plane. */
    public InternalNeedleClient of(RingNode node) {
        return clients.computeIfAbsent(node.endpoint(), e -> new InternalNeedleClient(URI.create(e), auth, http, timeout));
    }

    /** Closes the transport. */
    @Override
    public void close() {
        http.close();
    }
}
