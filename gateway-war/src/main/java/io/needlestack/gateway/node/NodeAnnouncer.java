package io.needlestack.gateway.node;

import com.hazelcast.map.IMap;
import io.needlestack.core.config.NodeConfig;
import io.needlestack.core.node.NodeRecord;
import io.needlestack.core.platform.PlatformServices;
import io.needlestack.core.ring.Ring;
import io.needlestack.core.ring.RingCodec;
import io.needlestack.core.ring.RingFormatException;
import io.needlestack.core.ring.RingPublication;
import io.needlestack.storage.service.StorageService;
import io.needlestack.storage.store.StoreStats;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.ejb.EJB;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
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
 * <p>Each beat also picks up the ring the manager published ({@link RingPublication}), keeps it
 * in {@code <data>/}{@link RingPublication#LOCAL_FILE} (read back at start, so a node knows its
 * ring before any manager is up) and reports its checksum in the record, so the manager can
 * see and repair a node that holds another ring.
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
    private volatile Path ringFile;
    private volatile String ringText;
    private volatile Ring ring;

    void start(@Observes @Initialized(ApplicationScoped.class) Object event) {
        NodeConfig config = NodeConfig.current();
        Instant now = Instant.now();
        String host = config.bindAddress().equals("0.0.0.0") ? hostName() : config.bindAddress();
        String internal = config.get("needlestack.internal.port").map(p -> "http://" + host + ":" + p).orElse("");
        self = new NodeRecord(config.nodeId(), config.nodeName(),
                config.roles().stream().map(r -> r.name().toLowerCase(Locale.ROOT)).sorted().toList(),
                "http://" + host + ":" + config.httpPort(), internal, config.rack(), now, now, false, 0, 0);
        ringFile = config.dataDirectory().resolve(RingPublication.LOCAL_FILE);
        loadLocalRing();
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

    /** The last ring this node saw (published or kept on disk), empty before any. */
    public Optional<Ring> ring() {
        return Optional.ofNullable(ring);
    }

    private void loadLocalRing() {
        Path f = ringFile;
        if (!Files.exists(f)) {
            return;
        }
        try {
            Ring r = RingCodec.decode(Files.readAllBytes(f));
            ring = r;
            ringText = RingPublication.toText(r);
            self = self.withRingChecksum(r.checksumHex());
            LOG.info("node " + self.id() + " holds ring v" + r.version() + " (" + r.checksumHex() + ") from " + f);
        } catch (IOException | RingFormatException e) {
            LOG.log(Level.WARNING, "ignoring unreadable ring file " + f + " until the manager publishes one", e);
        }
    }

    /** Takes the published ring when it differs from the one held; a bad entry keeps the old ring. */
    private void followPublishedRing() {
        Optional<String> published = platform.hazelcast()
                .map(hz -> hz.<String, String>getMap(RingPublication.MAP).get(RingPublication.CURRENT));
        if (published.isEmpty() || published.get().equals(ringText)) {
            return;
        }
        try {
            Ring r = RingPublication.fromText(published.get());
            byte[] bytes = RingCodec.encode(r);
            Path f = ringFile;
            Files.createDirectories(f.getParent());
            // Its own temporary name: the gateway's ring view may write the same file concurrently.
            Path tmp = f.resolveSibling(f.getFileName() + ".announcer.tmp");
            Files.write(tmp, bytes);
            Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            ring = r;
            ringText = published.get();
            self = self.withRingChecksum(r.checksumHex());
            LOG.info("node " + self.id() + " now holds ring v" + r.version() + " (" + r.checksumHex() + ")");
        } catch (RingFormatException | IOException e) {
            LOG.log(Level.WARNING, "could not take the published ring", e);
        }
    }

    private void beat() {
        try {
            try {
                followPublishedRing();
            } catch (RuntimeException e) {
                LOG.log(Level.FINE, "ring map unavailable", e);
            }
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

    private static String hostName() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            return "127.0.0.1";
        }
    }
}
