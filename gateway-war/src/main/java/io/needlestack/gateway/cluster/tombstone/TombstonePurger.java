package io.needlestack.gateway.cluster.tombstone;

import com.hazelcast.map.IMap;
import io.needlestack.core.config.NodeConfig;
import io.needlestack.core.platform.PlatformServices;
import io.needlestack.core.ring.Ring;
import io.needlestack.core.ring.RingNode;
import io.needlestack.core.ring.RingPublication;
import io.needlestack.gateway.cluster.RingView;
import io.needlestack.gateway.internal.InternalClients;
import io.needlestack.gateway.node.PeriodicPass;
import io.needlestack.gateway.internal.InternalNeedleClient;
import io.needlestack.gateway.object.LocalNeedleStorage;
import io.needlestack.storage.store.NeedleKey;
import io.needlestack.storage.store.NeedleRecord;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;
import java.util.logging.Logger;

/**
 * The background pass of a storage node that forgets tombstones no replica needs any more. Every
 * {@code needlestack.tombstone.purge.interval.seconds} (default 3600) it walks its own store
 * ({@link LocalNeedleStorage#scan}) and, for each tombstone that {@link PurgeRules#verdict} makes a
 * candidate (older than {@code needlestack.tombstone.grace.seconds}, default 864000 = 10 days, like
 * Cassandra's gc_grace_seconds), asks every other replica the ring names for its newest version
 * of the key over the internal plane. Only when all of them answer with the tombstone, something
 * newer or nothing (never an older version) does it have the tombstone purged on them, then on
 * itself (so an interrupted attempt leaves the tombstone here and is finished by a later pass).
 * A pass does nothing while a rebalance is under way (a previous ring is published) or when it
 * cannot tell (no Hazelcast), and stops at the first replica that does not answer.
 *
 * <p>Without a ring, a pass runs only on a standalone node (started without other cluster members,
 * as {@code needlestack run} and a single server with the EAR are): it holds the only copy of
 * every key, so no replica can bring a deleted version back, and its candidates are purged at
 * once. A cluster node that has no ring yet (never attached) does nothing.
 */
@ApplicationScoped
public class TombstonePurger {

    /** Grace period property (seconds). */
    public static final String GRACE_PROPERTY = "needlestack.tombstone.grace.seconds";
    /** Interval between passes (seconds). */
    public static final String INTERVAL_PROPERTY = "needlestack.tombstone.purge.interval.seconds";
    /** Cassandra's gc_grace_seconds default: ten days. */
    public static final long DEFAULT_GRACE_SECONDS = 10L * 24 * 3600;

    /** Hazelcast members the start script gives a node ({@code host:port,...}; this node alone by default). */
    static final String MEMBERS_PROPERTY = "needlestack.cluster.members";

    private static final Logger LOG = Logger.getLogger(TombstonePurger.class.getName());
    private static final int PAGE = 1000;

    @Inject
    LocalNeedleStorage local;
    @Inject
    RingView view;
    @Resource
    ManagedScheduledExecutorService scheduler;

    private final PlatformServices platform = new PlatformServices();
    private final LongAdder purged = new LongAdder();
    private String selfId;
    private boolean storageRole;
    private boolean standalone;
    private Duration grace;
    private InternalClients clients;
    private final PeriodicPass<PassReport> passes = new PeriodicPass<>(LOG, "tombstone purge", this::pass,
            r -> r.purged() > 0 || r.skipped() != null);

    /**
     * What one pass did.
     *
     * @param scanned    versions walked
     * @param candidates tombstones past their grace period
     * @param purged     tombstones purged on this node by this pass
     * @param skipped    why the pass stopped early or did not run, or null
     */
    public record PassReport(long scanned, long candidates, long purged, String skipped) {
    }

    @PostConstruct
    void init() {
        NodeConfig config = NodeConfig.current();
        selfId = config.nodeId();
        storageRole = config.roles().contains(NodeConfig.Role.STORAGE);
        standalone = standalone(config.get(MEMBERS_PROPERTY));
        grace = Duration.ofSeconds(config.getLong(GRACE_PROPERTY, DEFAULT_GRACE_SECONDS));
        long interval = Math.max(1, config.getLong(INTERVAL_PROPERTY, 3600));
        clients = new InternalClients(config);
        if (storageRole) {
            passes.schedule(scheduler, interval);
        }
    }

    /** Started with the application, so passes run without waiting for traffic. */
    void start(@Observes @Initialized(ApplicationScoped.class) Object event) {
        // Touching the bean runs @PostConstruct.
        purged.sum();
    }

    @PreDestroy
    void stop() {
        passes.cancel();
        if (clients != null) {
            clients.close();
        }
    }

    /** Tombstones this node dropped since start (its own passes and other nodes' requests). */
    public long purgedTombstones() {
        return purged.sum();
    }

    /** The last pass's report, if one ran. */
    public Optional<PassReport> lastPass() {
        return passes.last();
    }

    /** One pass over this node's store. */
    PassReport pass() {
        Optional<Ring> ring = view.ring();
        if (ring.isEmpty() && !standalone) {
            return new PassReport(0, 0, 0, "no ring");
        }
        Optional<String> flux = ring.isEmpty() ? Optional.empty() : ringInFlux();
        if (flux.isPresent()) {
            return new PassReport(0, 0, 0, flux.get());
        }
        long scanned = 0;
        long candidates = 0;
        long before = purged.sum();
        NeedleRecord after = null;
        List<NeedleRecord> group = new ArrayList<>(2);
        try {
            while (true) {
                List<NeedleRecord> page = local.scan(after, PAGE);
                for (NeedleRecord r : page) {
                    scanned++;
                    if (!group.isEmpty() && !group.get(0).key().equals(r.key())) {
                        candidates += consider(ring.orElse(null), group) ? 1 : 0;
                        group.clear();
                    }
                    // The newest version and whether anything is beneath it is all a verdict needs.
                    if (group.size() < 2) {
                        group.add(r);
                    }
                }
                if (page.size() < PAGE) {
                    break;
                }
                after = page.get(page.size() - 1);
            }
            if (!group.isEmpty()) {
                candidates += consider(ring.orElse(null), group) ? 1 : 0;
            }
        } catch (ReplicaDown e) {
            return new PassReport(scanned, candidates, purged.sum() - before, e.getMessage());
        }
        return new PassReport(scanned, candidates, purged.sum() - before, null);
    }

    /**
     * Purges the newest version of one key if it is a candidate every replica holds (no ring: a
     * standalone node, the only copy); true for a candidate.
     */
    private boolean consider(Ring ring, List<NeedleRecord> versions) {
        if (PurgeRules.verdict(versions, System.currentTimeMillis(), grace) != PurgeRules.Verdict.CANDIDATE) {
            return false;
        }
        NeedleRecord t = versions.get(0);
        if (ring == null) {
            purgeHere(t.key(), t.hlc(), t.versionId());
            return true;
        }
        List<RingNode> replicas = ring.replicas(t.key().bucket(), PurgeRules.placementName(t.key()));
        if (replicas.stream().noneMatch(n -> n.id().equals(selfId))) {
            // Not ours by this ring: handing it to its owners is rebalance's work, not purge's.
            return true;
        }
        List<PurgeRules.ReplicaState> states = new ArrayList<>();
        for (RingNode n : replicas) {
            if (n.id().equals(selfId)) {
                continue;
            }
            try {
                states.add(PurgeRules.replica(t, client(n).head(t.key())));
            } catch (RuntimeException e) {
                throw new ReplicaDown("replica " + n.id() + " did not answer: " + e.getMessage());
            }
        }
        if (!PurgeRules.allowPurge(states)) {
            LOG.fine(() -> "tombstone of " + t.key() + " kept: replicas " + states);
            return true;
        }
        for (RingNode n : replicas) {
            if (n.id().equals(selfId)) {
                continue;
            }
            boolean gone;
            try {
                gone = client(n).purge(t.key(), t.hlc(), t.versionId());
            } catch (RuntimeException e) {
                throw new ReplicaDown("replica " + n.id() + " did not purge: " + e.getMessage());
            }
            if (!gone) {
                // It now holds something the tombstone must hide (a write raced the check): keep ours.
                return true;
            }
        }
        purgeHere(t.key(), t.hlc(), t.versionId());
        return true;
    }

    /**
     * Drops one tombstone from this node's store if it is still the newest version of its key here,
     * past this node's grace period, with nothing beneath it and no delete-marker mark (a purge
     * request from the node that found every replica ready, or this node's own pass).
     *
     * @return whether this node is now done with the tombstone: it holds nothing for the key, or a
     *         newer version; false when it keeps something the tombstone still has to hide
     */
    public boolean purgeHere(NeedleKey key, long hlc, String versionId) {
        Optional<NeedleRecord> newest = local.head(key);
        if (newest.isEmpty()) {
            return true;
        }
        NeedleRecord n = newest.get();
        if (!PurgeRules.sameVersion(n, key, hlc, versionId)) {
            return PurgeRules.goneOrSuperseded(hlc, versionId, newest);
        }
        List<NeedleRecord> upTo = new ArrayList<>(2);
        upTo.add(n);
        upTo.addAll(local.scan(n, 1));
        // This node's own rules apply too (its grace included), whoever asked.
        PurgeRules.Verdict v = PurgeRules.verdict(upTo, System.currentTimeMillis(), grace);
        if (v != PurgeRules.Verdict.CANDIDATE) {
            return false;
        }
        if (local.drop(key, hlc, versionId)) {
            purged.increment();
        }
        return true;
    }

    /** Why purging must wait for the ring, if it must. */
    private Optional<String> ringInFlux() {
        Optional<IMap<String, String>> map;
        try {
            map = platform.hazelcast().map(hz -> hz.getMap(RingPublication.MAP));
        } catch (RuntimeException e) {
            return Optional.of("ring publication unreadable: " + e.getMessage());
        }
        if (map.isEmpty()) {
            return Optional.of("no Hazelcast: cannot tell whether a rebalance is under way");
        }
        return map.get().get(RingPublication.PREVIOUS) != null ? Optional.of("rebalance under way (previous ring published)")
                : Optional.empty();
    }

    private InternalNeedleClient client(RingNode node) {
        return clients.of(node);
    }

    /**
     * Whether a node is alone: no members were configured, or only one (itself; the start script
     * always names the node's own address).
     */
    static boolean standalone(Optional<String> members) {
        return members.map(m -> java.util.Arrays.stream(m.split(",")).filter(x -> !x.isBlank()).count() <= 1)
                .orElse(true);
    }

    /** A replica did not answer: the pass stops (never purge while a replica is unreachable). */
    private static final class ReplicaDown extends RuntimeException {
        ReplicaDown(String message) {
            super(message, null, false, false);
        }
    }
}
