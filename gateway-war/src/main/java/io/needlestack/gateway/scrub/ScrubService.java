package io.needlestack.gateway.scrub;

import io.needlestack.core.config.NodeConfig;
import io.needlestack.core.ring.Ring;
import io.needlestack.core.ring.RingNode;
import io.needlestack.gateway.cluster.RingView;
import io.needlestack.gateway.cluster.tombstone.PurgeRules;
import io.needlestack.gateway.internal.InternalClients;
import io.needlestack.gateway.internal.InternalNeedleClient;
import io.needlestack.gateway.node.PeriodicPass;
import io.needlestack.storage.service.StorageService;
import io.needlestack.storage.store.CorruptNeedleException;
import io.needlestack.storage.store.DamagedNeedle;
import io.needlestack.storage.store.NeedleRecord;
import io.needlestack.storage.store.ScrubStatus;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.ejb.EJB;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Starts this node's scrub on its schedule and repairs what the store lists as damaged, every
 * {@code needlestack.scrub.repair.interval.seconds} (30): each damaged version is copied from
 * the first other node that holds the same version (same HLC) and whose copy has the MD5 this
 * node indexed ({@link StorageService#repairDamaged} refuses any other). Replicas of the current
 * ring are asked first, then the other members (a rebalance may have left the copy elsewhere).
 * A node without a ring has nowhere to copy from: its damage stays listed, logged and counted.
 */
@ApplicationScoped
public class ScrubService {

    /** Days between complete scrubs, in seconds (0: only when an operator starts one). */
    public static final String INTERVAL_PROPERTY = "needlestack.scrub.interval.seconds";
    /** The scrub's read rate, bytes per second. */
    public static final String RATE_PROPERTY = "needlestack.scrub.bytes.per.second";
    /** How often damaged versions are repaired and the schedule looked at, in seconds. */
    public static final String REPAIR_INTERVAL_PROPERTY = "needlestack.scrub.repair.interval.seconds";
    /** A week. */
    public static final long DEFAULT_INTERVAL_SECONDS = 7L * 24 * 3600;
    /** 16 MiB/s: a terabyte a day, a small share of a disk's sequential rate. */
    public static final long DEFAULT_RATE = 16L << 20;

    private static final Logger LOG = Logger.getLogger(ScrubService.class.getName());

    @EJB
    StorageService storage;
    @Inject
    RingView view;
    @Resource
    ManagedScheduledExecutorService scheduler;

    private String selfId;
    private long intervalMillis;
    private long rate;
    private final long startedAt = System.currentTimeMillis();
    private InternalClients clients;
    private int lastUnrepairable;
    private long lastUnrepairableLog;
    private final PeriodicPass<PassReport> passes = new PeriodicPass<>(LOG, "scrub repair", this::pass,
            r -> r.repaired() > 0 || r.unrepaired() > 0 || r.scrubStarted());

    /**
     * What one pass did.
     *
     * @param scrubStarted whether the schedule started a scrub
     * @param repaired     damaged versions replaced by a replica's copy
     * @param unrepaired   damaged versions no node could give a matching copy of (yet)
     */
    public record PassReport(boolean scrubStarted, int repaired, int unrepaired) {
    }

    @PostConstruct
    void init() {
        NodeConfig config = NodeConfig.current();
        selfId = config.nodeId();
        intervalMillis = TimeUnit.SECONDS.toMillis(Math.max(0, config.getLong(INTERVAL_PROPERTY, DEFAULT_INTERVAL_SECONDS)));
        rate = Math.max(1, config.getLong(RATE_PROPERTY, DEFAULT_RATE));
        long repairEvery = config.getLong(REPAIR_INTERVAL_PROPERTY, 30);
        clients = new InternalClients(config);
        if (config.roles().contains(NodeConfig.Role.STORAGE) && repairEvery > 0) {
            passes.schedule(scheduler, repairEvery);
        }
    }

    /** Started with the application, so the schedule runs without waiting for traffic. */
    void start(@Observes @Initialized(ApplicationScoped.class) Object event) {
        // Touching the bean runs @PostConstruct.
        selfId.length();
    }

    @PreDestroy
    void stop() {
        passes.cancel();
        if (clients != null) {
            clients.close();
        }
    }

    /** The read rate of scrubs this node starts when none is given. */
    public long defaultRate() {
        return rate;
    }

    /** The last pass's report, if one ran. */
    public Optional<PassReport> lastPass() {
        return passes.last();
    }

    /** One pass: the schedule, then every listed damage. */
    PassReport pass() {
        boolean started = false;
        if (intervalMillis > 0) {
            ScrubStatus s = storage.scrubStatus();
            // A node that never completed a scrub counts from its start, so a fleet started
            // together does not scrub at its first minute.
            long from = s.lastDoneMillis() > 0 ? s.lastDoneMillis() : startedAt;
            if (!"running".equals(s.state()) && System.currentTimeMillis() - from >= intervalMillis) {
                storage.scrubStart(rate);
                started = true;
            }
        }
        return repairAll(started);
    }

    /** Repairs every listed damage it can now; runs on the pass's thread and on request. */
    PassReport repairAll(boolean scrubStarted) {
        List<DamagedNeedle> damaged = storage.damaged();
        if (damaged.isEmpty()) {
            return new PassReport(scrubStarted, 0, 0);
        }
        Optional<Ring> ring = view.ring();
        int repaired = 0;
        int unrepaired = 0;
        for (DamagedNeedle d : damaged) {
            if (ring.isPresent() && repair(ring.get(), d)) {
                repaired++;
            } else {
                unrepaired++;
            }
        }
        long now = System.currentTimeMillis();
        if (unrepaired > 0 && ring.isEmpty() && (unrepaired != lastUnrepairable || now - lastUnrepairableLog > 3_600_000)) {
            // Said when the count changes and hourly, not every pass.
            lastUnrepairable = unrepaired;
            lastUnrepairableLog = now;
            LOG.log(Level.SEVERE, "{0} damaged versions on this node and no ring to copy them from: restore them"
                    + " from a backup, or delete and write them again (scrub-status lists them)", unrepaired);
        }
        return new PassReport(scrubStarted, repaired, unrepaired);
    }

    private boolean repair(Ring ring, DamagedNeedle d) {
        NeedleRecord r = d.record();
        Set<RingNode> sources = new LinkedHashSet<>(ring.replicas(r.key().bucket(), PurgeRules.placementName(r.key())));
        sources.addAll(ring.members());
        List<String> tried = new ArrayList<>();
        for (RingNode node : sources) {
            if (node.id().equals(selfId)) {
                continue;
            }
            tried.add(node.id());
            InternalNeedleClient client = clients.of(node);
            try {
                Optional<NeedleRecord> held = client.head(r.key(), r.versionId());
                if (held.isEmpty() || held.get().hlc() != r.hlc()) {
                    continue;
                }
                try (InputStream in = client.open(held.get(), 0, held.get().dataLength())) {
                    if (storage.repairDamaged(r, in)) {
                        LOG.log(Level.INFO, "repaired version {0} of {1} with the copy of {2}",
                                new Object[] {r.versionId(), r.key(), node.id()});
                    }
                    return true;
                }
            } catch (CorruptNeedleException e) {
                // That copy did not match (or is damaged too): the next node's may.
                LOG.log(Level.WARNING, "the copy of " + r.key() + " version " + r.versionId() + " on " + node.id()
                        + " cannot repair it: " + e.getMessage());
            } catch (IOException | RuntimeException e) {
                LOG.log(Level.FINE, "repair source " + node.id() + " unavailable for " + r.key(), e);
            }
        }
        LOG.log(Level.FINE, "damaged version {0} of {1}: no matching copy on {2} yet",
                new Object[] {r.versionId(), r.key(), tried});
        return false;
    }
}
