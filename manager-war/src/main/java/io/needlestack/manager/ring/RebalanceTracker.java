package io.needlestack.manager.ring;

import io.needlestack.core.ring.RebalancePlan;
import io.needlestack.core.ring.RebalanceProgress;
import io.needlestack.core.ring.Ring;
import io.needlestack.core.ring.RingFormatException;
import io.needlestack.core.ring.RingNode;
import io.needlestack.core.ring.RingPublication;
import io.needlestack.manager.cluster.PayaraCluster;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The manager's side of a rebalance: when a new ring is published it publishes the ring being
 * left ({@link RingPublication#PREVIOUS}), so that gateways read from the old owners what has not
 * moved yet and storage nodes know what to hand over; it follows the nodes' progress
 * ({@link RebalanceProgress#MAP}) and withdraws the previous ring once every member of both rings
 * reports done for the new ring's version. Everything it knows is in Hazelcast, so a restarted or
 * another manager picks up where this one was.
 */
@ApplicationScoped
public class RebalanceTracker {

    private static final Logger LOG = Logger.getLogger(RebalanceTracker.class.getName());

    @Inject
    PayaraCluster cluster;
    @Resource
    ManagedScheduledExecutorService scheduler;

    private ScheduledFuture<?> round;

    /**
     * The state of the last rebalance.
     *
     * @param inProgress  whether the previous ring is still published
     * @param fromVersion the ring left (0 when unknown: no rebalance seen)
     * @param toVersion   the ring moved to
     * @param done        whether every member of both rings reported done for {@code toVersion}
     * @param nodes       every reporting node's progress for {@code toVersion}, by node id
     * @param waitingFor  members of both rings not done yet
     * @param startedAt   the earliest node start, null before any report
     * @param finishedAt  the last node's last report when done, else null
     */
    public record Status(boolean inProgress, long fromVersion, long toVersion, boolean done,
                         Map<String, RebalanceProgress> nodes, List<String> waitingFor, Instant startedAt,
                         Instant finishedAt) {

        /** Seconds from the first node's start to the last node's end (or to its last report). */
        public double seconds() {
            if (startedAt == null) {
                return 0;
            }
            Instant end = finishedAt != null ? finishedAt
                    : nodes.values().stream().map(RebalanceProgress::updatedAt).max(Instant::compareTo).orElse(startedAt);
            return (end.toEpochMilli() - startedAt.toEpochMilli()) / 1000.0;
        }
    }

    void start(@Observes @Initialized(ApplicationScoped.class) Object event) {
        if (scheduler != null) {
            round = scheduler.scheduleWithFixedDelay(this::round, 2, 2, TimeUnit.SECONDS);
        }
    }

    @PreDestroy
    void stop() {
        if (round != null) {
            round.cancel(false);
        }
    }

    /**
     * A new ring is about to be published: publishes the ring it replaces first (so no gateway sees
     * the new ring without the old one), unless nothing moves.
     */
    public void started(Ring previous, RebalancePlan plan) {
        if (previous == null || previous.isEmpty() || plan.isEmpty()) {
            return;
        }
        String old = cluster.publishedPreviousRingText();
        if (old != null) {
            LOG.warning("a rebalance starts before the previous one finished: reads fall back to ring v"
                    + previous.version() + " only; nodes still hand over what they no longer own");
        }
        cluster.publishPreviousRing(RingPublication.toText(previous));
        LOG.info(() -> "rebalance v" + previous.version() + " -> v" + plan.next().version() + ": " + plan);
    }

    /** The last rebalance as the published rings and the nodes' reports show it. */
    public Status status() {
        return status(decode(cluster.publishedRingText()), decode(cluster.publishedPreviousRingText()),
                cluster.rebalanceProgress());
    }

    /**
     * The status from the published rings and the nodes' reports (JSON by node id): pure, so it is
     * unit-tested.
     */
    static Status status(Ring current, Ring previous, Map<String, String> progress) {
        long to = current == null ? 0 : current.version();
        Map<String, RebalanceProgress> reports = new TreeMap<>();
        progress.forEach((id, json) -> {
            try {
                RebalanceProgress p = RebalanceProgress.fromJson(json);
                if (p.ringVersion() == to) {
                    reports.put(id, p);
                }
            } catch (RuntimeException e) {
                LOG.log(Level.FINE, "unreadable rebalance progress of " + id, e);
            }
        });
        TreeSet<String> members = new TreeSet<>();
        if (current != null) {
            current.members().stream().map(RingNode::id).forEach(members::add);
        }
        if (previous != null) {
            previous.members().stream().map(RingNode::id).forEach(members::add);
        }
        List<String> waiting = new ArrayList<>();
        for (String id : members) {
            RebalanceProgress p = reports.get(id);
            if (p == null || !p.done()) {
                waiting.add(id);
            }
        }
        boolean inProgress = previous != null && previous.version() < to;
        boolean done = !reports.isEmpty() && (!inProgress || waiting.isEmpty());
        Instant started = reports.values().stream().map(RebalanceProgress::startedAt).min(Instant::compareTo).orElse(null);
        Instant finished = done ? reports.values().stream().map(RebalanceProgress::updatedAt).max(Instant::compareTo)
                .orElse(null) : null;
        return new Status(inProgress, inProgress ? previous.version() : 0, to, done, reports,
                inProgress ? List.copyOf(waiting) : List.of(), started, finished);
    }

    private void round() {
        try {
            String previousText = cluster.publishedPreviousRingText();
            if (previousText == null) {
                return;
            }
            Status s = status();
            if (s.inProgress() && s.waitingFor().isEmpty()) {
                if (cluster.withdrawPreviousRing(previousText)) {
                    LOG.info(() -> String.format("rebalance v%d -> v%d done on every node in %.1f s: previous ring withdrawn",
                            s.fromVersion(), s.toVersion(), s.seconds()));
                }
            } else if (!s.inProgress()) {
                // A previous ring not older than the current one is left over: nothing falls back to it.
                cluster.withdrawPreviousRing(previousText);
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "rebalance round failed", e);
        }
    }

    private static Ring decode(String text) {
        if (text == null) {
            return null;
        }
        try {
            return RingPublication.fromText(text);
        } catch (RingFormatException e) {
            LOG.log(Level.WARNING, "unreadable published ring", e);
            return null;
        }
    }
}
