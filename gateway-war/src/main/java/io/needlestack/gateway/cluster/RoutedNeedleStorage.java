package io.needlestack.gateway.cluster;

import io.needlestack.core.config.NodeConfig;
import io.needlestack.core.internal.ClusterSecret;
import io.needlestack.core.internal.InternalAuth;
import io.needlestack.core.ring.Ring;
import io.needlestack.core.ring.RingNode;
import io.needlestack.gateway.internal.InternalNeedleClient;
import io.needlestack.gateway.object.LocalNeedleStorage;
import io.needlestack.gateway.object.NeedleStorage;
import io.needlestack.storage.store.NeedleKey;
import io.needlestack.storage.store.NeedleKind;
import io.needlestack.storage.store.NeedleRecord;
import io.needlestack.storage.store.NeedleWrite;
import io.needlestack.storage.store.PutResult;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The {@link NeedleStorage} the object layer uses: this node's own store while there is no ring
 * (a single node), the replicas the ring names once the manager has published one. This node is
 * reached through its local EJB, every other through its internal data plane.
 */
@ApplicationScoped
public class RoutedNeedleStorage implements NeedleStorage {

    @Inject
    LocalNeedleStorage local;
    @Inject
    RingView view;
    @Resource
    ManagedExecutorService executor;

    private final Map<String, InternalNeedleClient> clients = new ConcurrentHashMap<>();
    private final LongAdder degradedReads = new LongAdder();
    private final LongAdder failedReplicaWrites = new LongAdder();
    private String selfId;
    private InternalAuth auth;
    private HttpClient http;
    private PayloadSpool spool;
    private Duration timeout;

    @PostConstruct
    void init() {
        NodeConfig config = NodeConfig.current();
        selfId = config.nodeId();
        auth = ClusterSecret.auth(config.dataDirectory());
        http = InternalNeedleClient.httpClient(Duration.ofSeconds(2));
        spool = new PayloadSpool(config.dataDirectory().resolve("gateway").resolve("spool"), 1 << 20);
        timeout = Duration.ofMillis(config.getLong("needlestack.replica.timeout.ms", 8_000));
    }

    /** Reads answered by fewer than R replicas since start. */
    public long degradedReads() {
        return degradedReads.sum();
    }

    /** Replica writes that failed since start. */
    public long failedReplicaWrites() {
        return failedReplicaWrites.sum();
    }

    private NeedleStorage target() {
        Optional<Ring> ring = view.ring();
        if (ring.isEmpty()) {
            return local;
        }
        return new ReplicatedNeedleStorage(ring.get(), view.levels(), this::node, executor, timeout, spool,
                degradedReads, failedReplicaWrites);
    }

    private NeedleStorage node(RingNode node) {
        if (node.id().equals(selfId)) {
            return local;
        }
        return clients.computeIfAbsent(node.endpoint(),
                e -> new InternalNeedleClient(URI.create(e), auth, http, timeout));
    }

    @Override
    public PutResult put(NeedleWrite write, InputStream data, long length, boolean keepOlderVersions) {
        return target().put(write, data, length, keepOlderVersions);
    }

    @Override
    public Optional<NeedleRecord> head(NeedleKey key) {
        return target().head(key);
    }

    @Override
    public Optional<NeedleRecord> head(NeedleKey key, String versionId) {
        return target().head(key, versionId);
    }

    @Override
    public InputStream open(NeedleRecord record, long from, long length) {
        return target().open(record, from, length);
    }

    @Override
    public List<NeedleRecord> list(NeedleKind kind, String bucket, String prefix, String startAfter, int limit,
                                   boolean includeTombstones) {
        return target().list(kind, bucket, prefix, startAfter, limit, includeTombstones);
    }
}
