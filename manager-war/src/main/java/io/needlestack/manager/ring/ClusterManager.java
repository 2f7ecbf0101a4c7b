package io.needlestack.manager.ring;

import io.needlestack.core.config.NodeConfig;
import io.needlestack.core.node.NodeRecord;
import io.needlestack.core.quorum.ConsistencyLevels;
import io.needlestack.core.quorum.InvalidConsistencyException;
import io.needlestack.core.ring.RebalancePlan;
import io.needlestack.core.ring.Ring;
import io.needlestack.core.ring.RingPublication;
import io.needlestack.manager.bootstrap.ManagerStartup;
import io.needlestack.manager.cluster.PayaraCluster;
import io.needlestack.manager.election.ManagerRole;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import javax.sql.DataSource;

/**
 * The manager's cluster operations (LeoFS's {@code start}, {@code attach}, {@code detach},
 * {@code suspend}, {@code resume}, {@code rebalance}, {@code update-consistency-level}): each
 * reads the stored state, applies {@link ClusterRules}, writes by compare-and-set
 * ({@link RingStore}) and publishes ring and consistency levels through Hazelcast. Operations
 * are serialised in this manager; across managers the compare-and-set decides.
 *
 * <p>On start it (re)publishes what the database holds, and on every heartbeat round it
 * re-publishes when a live node reports a ring checksum other than the manager's.
 *
 * <p>A standalone node (all-in-one: {@code needlestack.cluster.members} names one member, the
 * start script's default) starts its own ring, since there is nobody to wait for; a node of a
 * cluster waits for {@code needlestack-adm start} ({@code cluster up} runs it).
 */
@ApplicationScoped
public class ClusterManager {

    private static final Logger LOG = Logger.getLogger(ClusterManager.class.getName());
    /** The levels taken when none are stored and {@code needlestack.consistency} is unset. */
    static final String DEFAULT_CONSISTENCY = "1,1,1,1";

    @Resource(lookup = ManagerStartup.DATASOURCE)
    DataSource dataSource;

    @Resource
    ManagedScheduledExecutorService scheduler;

    @Inject
    PayaraCluster cluster;

    @Inject
    ManagerRole role;

    private final RingRepair repair = new RingRepair();

    @Inject
    RebalanceTracker rebalances;

    private RingStore store;
    private volatile RingStore.Stored state;
    private ScheduledFuture<?> round;
    private final AtomicLong republished = new AtomicLong();
    private volatile boolean autostart;

    /**
     * A snapshot for status: each node's state, its reported checksum, and the live nodes whose
     * checksum differs from the manager's.
     *
     * @param ring     the manager's ring, null before the first
     * @param nodes    per node id (registry, decisions and ring members together), in id order
     * @param mismatch ids of live nodes holding another ring than the manager's
     */
    public record View(Ring ring, ConsistencyLevels consistency, Map<String, NodeView> nodes, List<String> mismatch) {
    }

    /**
     * One node in the {@link View}.
     *
     * @param record the registry record, null when the node is not (or no longer) in the registry
     */
    public record NodeView(String id, NodeRecord record, NodeState state, boolean inRing, boolean suspended) {
    }

    /**
     * Loads the stored ring and consistency levels, stores the configured levels when none are
     * stored yet, publishes both and starts the heartbeat rounds. Called by the manager's startup.
     */
    public synchronized void start(NodeConfig config) throws SQLException {
        store = new RingStore(dataSource, role.fence());
        RingStore.Stored s = store.load();
        if (s.consistency().isEmpty()) {
            ConsistencyLevels initial = ConsistencyLevels.parse(config.get("needlestack.consistency", DEFAULT_CONSISTENCY));
            try {
                // Unfenced on purpose: any manager may store the first levels, the compare-and-set
                // on settings version 0 lets exactly one of them do it.
                new RingStore(dataSource).storeConsistency(0, initial);
            } catch (StaleVersionException e) {
                LOG.info("another manager stored the consistency levels first");
            }
            s = store.load();
        }
        state = s;
        publish();
        RingStore.Stored loaded = s;
        LOG.info(() -> "cluster state: " + loaded.ring().map(r -> "ring v" + r.version() + " " + r.checksumHex()
                + " (" + r.members().size() + " members)").orElse("no ring yet (needlestack-adm start)")
                + ", consistency " + loaded.consistency().orElseThrow());
        String members = config.get("needlestack.cluster.members", "");
        autostart = !members.isBlank() && !members.contains(",");
        autostart();
        if (scheduler != null) {
            round = scheduler.scheduleWithFixedDelay(this::heartbeatRound, NodeRecord.HEARTBEAT.toMillis(),
                    NodeRecord.HEARTBEAT.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    @PreDestroy
    void stop() {
        if (round != null) {
            round.cancel(false);
        }
    }

    /** The current ring, empty before {@code start}. */
    public Optional<Ring> ring() {
        return current().ring();
    }

    /** The current consistency levels. */
    public ConsistencyLevels consistency() {
        return current().consistency().orElse(ConsistencyLevels.ALL_IN_ONE);
    }

    /** How many times a mismatch made this manager re-publish. */
    public long republishCount() {
        return republished.get();
    }

    private RingStore.Stored current() {
        RingStore.Stored s = state;
        if (s == null) {
            throw new ClusterException("ServiceUnavailable", 503, "the manager is still starting");
        }
        return s;
    }

    /** Every node's state and the ring mismatches, as of now. */
    public View view() {
        try {
            return view(store.nodes(), records(), Instant.now());
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read node decisions", e);
        }
    }

    private View view(Map<String, NodeDecision> decisions, Map<String, NodeRecord> records, Instant now) {
        RingStore.Stored s = current();
        Ring ring = s.ring().orElse(null);
        Set<String> ids = new TreeSet<>(records.keySet());
        ids.addAll(decisions.keySet());
        if (ring != null) {
            ring.members().forEach(m -> ids.add(m.id()));
        }
        Map<String, NodeView> nodes = new LinkedHashMap<>();
        List<String> mismatch = new ArrayList<>();
        for (String id : ids) {
            NodeRecord r = records.get(id);
            NodeDecision d = decisions.getOrDefault(id, NodeDecision.none(id));
            NodeState st = ClusterRules.state(r, d, ring, now);
            nodes.put(id, new NodeView(id, r, st, ring != null && ring.contains(id), d.suspended()));
            if (ring != null && r != null && r.liveness(now) == NodeRecord.Liveness.RUNNING
                    && !ring.checksumHex().equals(r.ringChecksum())) {
                mismatch.add(id);
            }
        }
        return new View(ring, s.consistency().orElse(ConsistencyLevels.ALL_IN_ONE), nodes, List.copyOf(mismatch));
    }

    /**
     * First start of a cluster: attaches every registered running storage node and publishes the
     * first ring.
     *
     * @return the plan from the empty ring to the first
     */
    public synchronized RebalancePlan startCluster() throws SQLException {
        RingStore.Stored s = reload();
        if (s.ring().isPresent()) {
            throw ClusterException.conflict("ClusterAlreadyStarted", "the cluster was started already (ring v"
                    + s.ring().get().version() + "); use attach and rebalance to add nodes");
        }
        Instant now = Instant.now();
        Map<String, NodeRecord> records = records();
        Map<String, NodeDecision> decisions = store.nodes();
        List<NodeDecision> attach = new ArrayList<>();
        for (NodeRecord r : records.values()) {
            if (r.roles().contains("storage") && r.liveness(now) == NodeRecord.Liveness.RUNNING
                    && !r.internalEndpoint().isBlank()) {
                attach.add(decisions.getOrDefault(r.id(), NodeDecision.none(r.id()))
                        .withMembership(NodeDecision.Membership.ATTACHED).accepting(r.startedAt().toEpochMilli()));
            }
        }
        if (attach.isEmpty()) {
            throw ClusterException.conflict("TooFewNodes", "no running storage node is registered");
        }
        store.saveNodes(attach);
        return rebalance();
    }

    /** Attaches a node: it enters the ring at the next rebalance. */
    public synchronized NodeView attach(String id) throws SQLException {
        RingStore.Stored s = reload();
        NodeRecord r = records().get(id);
        NodeDecision d = decision(id);
        ClusterRules.checkAttach(id, r, d, s.ring().orElse(null), Instant.now());
        store.saveNodes(List.of(d.withMembership(NodeDecision.Membership.ATTACHED).accepting(r.startedAt().toEpochMilli())));
        return view().nodes().get(id);
    }

    /** Detaches a node: it leaves the ring at the next rebalance. */
    public synchronized NodeView detach(String id) throws SQLException {
        RingStore.Stored s = reload();
        Map<String, NodeDecision> decisions = store.nodes();
        NodeDecision d = decisions.getOrDefault(id, NodeDecision.none(id));
        Set<String> attached = decisions.values().stream()
                .filter(x -> x.membership() == NodeDecision.Membership.ATTACHED).map(NodeDecision::nodeId)
                .collect(Collectors.toSet());
        ClusterRules.checkDetach(id, known(id, decisions, s), d, attached, consistency().n());
        store.saveNodes(List.of(d.withMembership(NodeDecision.Membership.DETACHED)));
        return view().nodes().get(id);
    }

    /** Suspends a node (it stays in the ring). */
    public synchronized NodeView suspend(String id) throws SQLException {
        RingStore.Stored s = reload();
        Map<String, NodeDecision> decisions = store.nodes();
        NodeDecision d = decisions.getOrDefault(id, NodeDecision.none(id));
        ClusterRules.checkSuspend(id, known(id, decisions, s), d, s.ring().orElse(null));
        store.saveNodes(List.of(d.withSuspended(true)));
        return view().nodes().get(id);
    }

    /** Resumes a suspended node, or accepts a restarted node's new process. */
    public synchronized NodeView resume(String id) throws SQLException {
        RingStore.Stored s = reload();
        Map<String, NodeDecision> decisions = store.nodes();
        NodeDecision d = decisions.getOrDefault(id, NodeDecision.none(id));
        NodeView before = view().nodes().get(id);
        ClusterRules.checkResume(id, known(id, decisions, s), before == null ? NodeState.DETACHED : before.state());
        NodeRecord r = records().get(id);
        store.saveNodes(List.of(d.withSuspended(false).accepting(r == null ? d.acceptedStart() : r.startedAt().toEpochMilli())));
        return view().nodes().get(id);
    }

    /**
     * Builds the next ring from the attached nodes, stores it by compare-and-set and publishes it.
     *
     * @return the plan from the previous ring to the new one (the storage nodes move the data in the
     *         background; {@link RebalanceTracker} follows them)
     */
    public synchronized RebalancePlan rebalance() throws SQLException {
        RingStore.Stored s = reload();
        int n = consistency().n();
        Map<String, NodeDecision> decisions = store.nodes();
        List<String> attached = decisions.values().stream()
                .filter(x -> x.membership() == NodeDecision.Membership.ATTACHED).map(NodeDecision::nodeId).toList();
        Ring previous = s.ring().orElse(null);
        Ring next = ClusterRules.nextRing(previous, n, attached, records());
        store.storeRing(s.ringVersion(), next);
        state = store.load();
        RebalancePlan plan = RebalancePlan.between(previous == null ? Ring.empty(n) : previous, next);
        // The ring being left goes out first: no node sees the new ring without it.
        rebalances.started(previous, plan);
        publish();
        LOG.info(() -> "ring v" + next.version() + " " + next.checksumHex() + " published: " + plan);
        return plan;
    }

    /**
     * Changes W, R and D (and N, only while no ring exists).
     *
     * @param n the requested N, or null to keep it
     */
    public synchronized ConsistencyLevels updateConsistency(Integer n, int w, int r, int d) throws SQLException {
        RingStore.Stored s = reload();
        ConsistencyLevels old = consistency();
        if (n != null && n != old.n() && s.ring().isPresent()) {
            throw ClusterException.conflict("ReplicaCountFixed", "N is fixed at " + old.n()
                    + " once the cluster has a ring (asked " + n + ")");
        }
        ConsistencyLevels next;
        try {
            next = new ConsistencyLevels(n == null ? old.n() : n, w, r, d);
        } catch (InvalidConsistencyException e) {
            throw new ClusterException("InvalidConsistency", 400, e.getMessage());
        }
        store.storeConsistency(s.settingsVersion(), next);
        state = store.load();
        publish();
        return next;
    }

    /**
     * This node was elected active manager: reloads what the previous one stored and publishes it
     * (the election calls this).
     */
    public synchronized void takeOver() throws SQLException {
        RingStore.Stored s = reload();
        publish();
        LOG.info(() -> "took over the cluster state: " + s.ring().map(r -> "ring v" + r.version() + " "
                + r.checksumHex()).orElse("no ring yet") + ", consistency " + s.consistency().map(Object::toString).orElse("-"));
        autostart();
    }

    /** The ring repairs this manager made (for status). */
    public RingRepair repairs() {
        return repair;
    }

    /** Publishes the stored ring and levels again (repairs a node holding another ring). */
    public synchronized boolean republish() throws SQLException {
        reload();
        return publish();
    }

    private boolean publish() {
        if (!role.active()) {
            return false; // a standby never publishes: the active manager's publication stands
        }
        RingStore.Stored s = state;
        String consistency = s.consistency().map(c -> c.n() + "," + c.w() + "," + c.r() + "," + c.d())
                .orElse(DEFAULT_CONSISTENCY);
        return cluster.publishRing(s.ring().map(RingPublication::toText).orElse(null), consistency);
    }

    /** The all-in-one's first start, as soon as its storage node is registered. */
    private void autostart() {
        if (!autostart || state == null || state.ring().isPresent() || !role.active()) {
            return;
        }
        try {
            RebalancePlan p = startCluster();
            LOG.info(() -> "standalone node: started ring v" + p.next().version() + " by itself");
        } catch (ClusterException e) {
            LOG.fine(() -> "standalone first start not yet possible: " + e.getMessage());
        } catch (SQLException e) {
            LOG.log(Level.WARNING, "standalone first start failed", e);
        }
        autostart = state.ring().isEmpty();
    }

    private void heartbeatRound() {
        try {
            if (!role.active()) {
                return;
            }
            autostart();
            RingStore.Stored s = state;
            if (s == null || s.ring().isEmpty()) {
                return;
            }
            View v = view();
            Map<String, String> reported = new TreeMap<>();
            v.mismatch().forEach(id -> reported.put(id, v.nodes().get(id).record().ringChecksum()));
            String reason = repair.check(s.ring().get(), RingPublication.toText(s.ring().get()),
                    cluster.publishedRingText(), reported);
            if (reason != null) {
                reload();
                publish();
                republished.incrementAndGet();
                repair.repaired(reason, reported.keySet());
            }
        } catch (RuntimeException | SQLException e) {
            LOG.log(Level.WARNING, "heartbeat round failed", e);
        }
    }

    /** Reads the latest stored state: another manager may have changed it. */
    private RingStore.Stored reload() throws SQLException {
        if (store == null) {
            throw new ClusterException("ServiceUnavailable", 503, "the manager is still starting");
        }
        RingStore.Stored s = store.load();
        state = s;
        return s;
    }

    private NodeDecision decision(String id) throws SQLException {
        return store.nodes().getOrDefault(id, NodeDecision.none(id));
    }

    private boolean known(String id, Map<String, NodeDecision> decisions, RingStore.Stored s) {
        return decisions.containsKey(id) || records().containsKey(id)
                || s.ring().map(r -> r.contains(id)).orElse(false);
    }

    private Map<String, NodeRecord> records() {
        return cluster.nodeRecords().stream()
                .collect(Collectors.toMap(NodeRecord::id, Function.identity(), (a, b) -> a, TreeMap::new));
    }
}
