package io.needlestack.gateway.cluster;

import com.hazelcast.map.IMap;
import io.needlestack.core.config.NodeConfig;
import io.needlestack.core.platform.PlatformServices;
import io.needlestack.core.quorum.ConsistencyLevels;
import io.needlestack.core.ring.Ring;
import io.needlestack.core.ring.RingCodec;
import io.needlestack.core.ring.RingFormatException;
import io.needlestack.core.ring.RingPublication;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * This node's view of the ring and consistency levels the manager publishes
 * ({@link RingPublication}): read from Hazelcast at most once a second, kept in the data directory
 * so that a node restarted without a manager still places needles as before. No ring means a
 * single node not yet attached: everything stays local.
 */
@ApplicationScoped
public class RingView {

    private static final Logger LOG = Logger.getLogger(RingView.class.getName());
    private static final long REFRESH_NANOS = 1_000_000_000L;

    private final PlatformServices platform = new PlatformServices();
    private Path localCopy;
    private ConsistencyLevels defaults;
    private volatile Optional<Ring> ring = Optional.empty();
    private volatile ConsistencyLevels levels;
    private volatile String lastText;
    private volatile long refreshedAt;

    @PostConstruct
    void init() {
        NodeConfig config = NodeConfig.current();
        localCopy = config.dataDirectory().resolve(RingPublication.LOCAL_FILE);
        defaults = config.get("needlestack.consistency").map(ConsistencyLevels::parse)
                .orElse(new ConsistencyLevels(1, 1, 1, 1));
        levels = defaults;
        if (Files.exists(localCopy)) {
            try {
                ring = Optional.of(RingCodec.decode(Files.readAllBytes(localCopy)));
            } catch (IOException | RingFormatException e) {
                LOG.log(Level.WARNING, "ignoring unreadable ring copy " + localCopy, e);
            }
        }
    }

    /** The current ring, if the cluster has one with members. */
    public Optional<Ring> ring() {
        refresh();
        return ring.filter(r -> !r.isEmpty());
    }

    /** The cluster's consistency levels. */
    public ConsistencyLevels levels() {
        refresh();
        return levels;
    }

    private void refresh() {
        long now = System.nanoTime();
        if (now - refreshedAt < REFRESH_NANOS) {
            return;
        }
        refreshedAt = now;
        Optional<IMap<String, String>> map = platform.hazelcast().map(hz -> hz.getMap(RingPublication.MAP));
        if (map.isEmpty()) {
            return;
        }
        try {
            String c = map.get().get(RingPublication.CONSISTENCY);
            levels = c == null ? defaults : ConsistencyLevels.parse(c);
            String text = map.get().get(RingPublication.CURRENT);
            if (text != null && !text.equals(lastText)) {
                Ring r = RingPublication.fromText(text);
                ring = Optional.of(r);
                lastText = text;
                keep(r);
                LOG.info("this node now places by ring v" + r.version() + " (" + r.checksumHex() + ")");
            }
        } catch (RingFormatException | RuntimeException e) {
            LOG.log(Level.WARNING, "could not read the published ring", e);
        }
    }

    /** Keeps the ring in the data directory (atomically replaced) for restarts without a manager. */
    private void keep(Ring r) {
        try {
            Files.createDirectories(localCopy.getParent());
            Path tmp = localCopy.resolveSibling(localCopy.getFileName() + ".tmp");
            Files.write(tmp, RingCodec.encode(r));
            try {
                Files.move(tmp, localCopy, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, localCopy, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            LOG.log(Level.WARNING, "could not keep the ring in " + localCopy, e);
        }
    }
}
