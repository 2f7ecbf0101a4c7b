package io.needlestack.gateway.cluster;

import com.hazelcast.map.IMap;
import io.needlestack.core.config.NodeConfig;
import io.needlestack.core.platform.PlatformServices;
import io.needlestack.core.quorum.ConsistencyLevels;
import io.needlestack.core.ring.Ring;
import io.needlestack.core.ring.RingCodec;
import io.needlestack.core.ring.RingFormatException;
import io.needlestack.core.ring.RingPublication;
import io.needlestack.gateway.cluster.rebalance.Transition;
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
 * single node not yet attached: everything stays local. While a rebalance runs the manager also
 * publishes the previous ring; it is kept beside the current one ({@code ring/previous.ring}) and
 * seen as a {@link Transition} until the manager withdraws it.
 */
@ApplicationScoped
public class RingView {

    private static final Logger LOG = Logger.getLogger(RingView.class.getName());
    private static final long REFRESH_NANOS = 1_000_000_000L;

    private final PlatformServices platform = new PlatformServices();
    private Path localCopy;
    private Path previousCopy;
    private ConsistencyLevels defaults;
    private volatile Optional<Ring> ring = Optional.empty();
    private volatile ConsistencyLevels levels;
    private volatile String lastText;
    private volatile Optional<Ring> previous = Optional.empty();
    private volatile String lastPreviousText;
    private volatile Optional<Transition> transition = Optional.empty();
    private volatile long refreshedAt;

    @PostConstruct
    void init() {
        NodeConfig config = NodeConfig.current();
        localCopy = config.dataDirectory().resolve(RingPublication.LOCAL_FILE);
        defaults = config.get("needlestack.consistency").map(ConsistencyLevels::parse)
                .orElse(new ConsistencyLevels(1, 1, 1, 1));
        levels = defaults;
        previousCopy = localCopy.resolveSibling("previous.ring");
        ring = load(localCopy);
        previous = load(previousCopy);
        transition = Transition.of(previous.orElse(null), ring.orElse(null));
    }

    private static Optional<Ring> load(Path file) {
        if (Files.exists(file)) {
            try {
                return Optional.of(RingCodec.decode(Files.readAllBytes(file)));
            } catch (IOException | RingFormatException e) {
                LOG.log(Level.WARNING, "ignoring unreadable ring copy " + file, e);
            }
        }
        return Optional.empty();
    }

    /** The rebalance in progress: the previous ring the manager still publishes, and the current one. */
    public Optional<Transition> transition() {
        refresh();
        return transition;
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
                keep(r, localCopy);
                LOG.info("this node now places by ring v" + r.version() + " (" + r.checksumHex() + ")");
            }
            refreshPrevious(map.get().get(RingPublication.PREVIOUS));
        } catch (RingFormatException | RuntimeException e) {
            LOG.log(Level.WARNING, "could not read the published ring", e);
        }
    }

    private void refreshPrevious(String text) throws RingFormatException {
        if (text == null) {
            if (lastPreviousText != null || previous.isPresent()) {
                previous = Optional.empty();
                lastPreviousText = null;
                try {
                    Files.deleteIfExists(previousCopy);
                } catch (IOException e) {
                    LOG.log(Level.WARNING, "could not remove " + previousCopy, e);
                }
                LOG.info("the rebalance is over: reads no longer fall back to a previous ring");
            }
        } else if (!text.equals(lastPreviousText)) {
            Ring p = RingPublication.fromText(text);
            previous = Optional.of(p);
            lastPreviousText = text;
            keep(p, previousCopy);
            LOG.info("rebalance from ring v" + p.version() + ": reads fall back to its owners until it is done");
        }
        Optional<Transition> t = transition;
        Ring cur = ring.orElse(null);
        Ring prev = previous.orElse(null);
        if (t.isEmpty() || t.get().next() != cur || t.get().previous() != prev) {
            transition = Transition.of(prev, cur);
        }
    }

    /** Keeps a ring in the data directory (atomically replaced) for restarts without a manager. */
    private void keep(Ring r, Path localCopy) {
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
