package io.needlestack.gateway.node;

import com.hazelcast.map.IMap;
import io.needlestack.core.config.NodeConfig;
import io.needlestack.core.node.NodeRecord;
import io.needlestack.core.platform.PlatformServices;
import io.needlestack.gateway.cluster.RingView;
import io.needlestack.gateway.internal.InternalProtocol;
import io.needlestack.storage.service.StorageService;
import io.needlestack.storage.store.StoreStats;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.ejb.EJB;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Publishes this node in the registry ({@link NodeRecord#MAP}) when the gateway application
 * starts, renews its heartbeat every {@link NodeRecord#HEARTBEAT}, and marks it stopping on a
 * graceful stop, so the manager tells a stopped node from a crashed one (no heartbeat).
 *
 * <p>Each beat also reports the checksum of the ring this node places by (the gateway's
 * {@link RingView}, which follows the manager's publication and keeps it in the data directory),
 * so the manager can see and repair a node that holds another ring.
 */
@ApplicationScoped
public class NodeAnnouncer {

    private static final Logger LOG = Logger.getLogger(NodeAnnouncer.class.getName());

    @EJB
    private StorageService storage;
    @Resource
    private ManagedScheduledExecutorService scheduler;

    private final PlatformServices platform = new PlatformServices();
    private volatile NodeRecord self;
    private ScheduledFuture<?> heartbeat;
    @Inject
    RingView ringView;

    void start(@Observes @Initialized(ApplicationScoped.class) Object event) {
        NodeConfig config = NodeConfig.current();
        Instant now = Instant.now();
        String host = InternalProtocol.advertisedHost(config);
        String internal = config.get("needlestack.internal.port").map(p -> "http://" + host + ":" + p).orElse("");
        self = new NodeRecord(config.nodeId(), config.nodeName(),
                config.roles().stream().map(r -> r.name().toLowerCase(Locale.ROOT)).sorted().toList(),
                "http://" + host + ":" + config.httpPort(), internal, config.rack(), now, now, false, 0, 0);
        beat();
        heartbeat = scheduler.scheduleWithFixedDelay(this::beat, NodeRecord.HEARTBEAT.toMillis(),
                NodeRecord.HEARTBEAT.toMillis(), TimeUnit.MILLISECONDS);
        LOG.info("node " + self.id() + " announced in " + NodeRecord.MAP
                + (nodes().isPresent() ? "" : " (no Hazelcast: not published)"));
    }

    @PreDestroy
    void stop() {
        if (heartbeat != null) {
            heartbeat.cancel(false);
        }
        NodeRecord r = self;
        if (r != null) {
            nodes().ifPresent(m -> m.put(r.id(), r.stopped(Instant.now()).toJson()));
        }
    }

    /** This node's current record. */
    public NodeRecord self() {
        return self;
    }

    private void beat() {
        try {
            ringView.ring().ifPresent(r -> self = self.withRingChecksum(r.checksumHex()));
            long store = 0;
            long free = 0;
            try {
                StoreStats s = storage.stats();
                store = s.liveBytes();
                free = s.freeBytes();
            } catch (RuntimeException e) {
                // A node whose store is not open still beats: the manager shows it running, writes fail.
            }
            NodeRecord r = self.beat(Instant.now(), store, free);
            self = r;
            nodes().ifPresent(m -> m.put(r.id(), r.toJson()));
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "heartbeat of node " + self.id() + " failed", e);
        }
    }

    private Optional<IMap<String, String>> nodes() {
        return platform.hazelcast().map(hz -> hz.getMap(NodeRecord.MAP));
    }
}
