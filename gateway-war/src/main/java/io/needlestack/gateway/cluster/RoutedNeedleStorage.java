package io.needlestack.gateway.cluster;

import io.needlestack.core.config.NodeConfig;
import io.needlestack.core.internal.ClusterSecret;
import io.needlestack.core.internal.InternalAuth;
import io.needlestack.core.ring.Ring;
import io.needlestack.core.ring.RingNode;
import io.needlestack.gateway.cluster.rebalance.RebalancingNeedleStorage;
import io.needlestack.gateway.cluster.rebalance.Transition;
import io.needlestack.gateway.internal.InternalHttp;
import io.needlestack.gateway.internal.InternalNeedleClient;
import io.needlestack.gateway.object.HeadPromise;
import io.needlestack.gateway.object.LocalNeedleStorage;
import io.needlestack.gateway.object.NeedleStorage;
import io.needlestack.gateway.object.PromisedHead;
import io.needlestack.storage.store.NeedleKey;
import io.needlestack.storage.store.NeedleKind;
import io.needlestack.storage.store.NeedleRecord;
import io.needlestack.storage.store.NeedleWrite;
import io.needlestack.storage.store.PutResult;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The {@link NeedleStorage} the object layer uses: this node's own store while there is no ring
 * (a single node), the replicas the ring names once the manager has published one. This node is
 * reached through its local EJB, every other through its internal data plane.
 */
@ApplicationScoped
public class RoutedNeedleStorage implements NeedleStorage {

    private static final Logger LOG = Logger.getLogger(RoutedNeedleStorage.class.getName());

    @Inject
    LocalNeedleStorage local;
    @Inject
    RingView view;
    @Inject
    ReadGate gate;
    @Resource
    ManagedThreadFactory threads;
    @Resource
    ManagedScheduledExecutorService scheduler;

    private final Map<String, InternalNeedleClient> clients = new ConcurrentHashMap<>();
    private final LongAdder degradedReads = new LongAdder();
    private final LongAdder failedReplicaWrites = new LongAdder();
    private String selfId;
    private InternalAuth auth;
    private InternalHttp http;
    private PayloadSpool spool;
    private Duration timeout;
    private ReplicaSlots slots;
    private ThreadPoolExecutor replicaCalls;
    private boolean strictReads;
    private RepairQueue repairs;
    private ScheduledFuture<?> repairer;

    @PostConstruct
    void init() {
        NodeConfig config = NodeConfig.current();
        selfId = config.nodeId();
        auth = ClusterSecret.auth(config.dataDirectory());
        http = InternalNeedleClient.httpClient(Duration.ofSeconds(2));
        spool = new PayloadSpool(config.dataDirectory().resolve("gateway").resolve("spool"), 1 << 20);
        timeout = Duration.ofMillis(config.getLong("needlestack.replica.timeout.ms", 8_000));
        slots = new ReplicaSlots((int) config.getLong("needlestack.replica.inflight", 48),
                Duration.ofMillis(config.getLong("needlestack.replica.slot-wait.ms", 500)));
        // Our own pool of managed threads rather than the ManagedExecutorService: that one captures
        // the caller's context for every task, which on Payara walks a ServiceLoader each time (16 %
        // of a coordinating node's CPU, three tasks per replicated request). Managed threads carry
        // the application's context from their creation. Calls in flight are bounded by the slots;
        // a call beyond the largest pool is refused and counted as a replica that did not answer.
        replicaCalls = new ThreadPoolExecutor(8, (int) config.getLong("needlestack.replica.threads", 512), 60,
                TimeUnit.SECONDS, new SynchronousQueue<>(), threads);
        strictReads = config.get("needlestack.read.strict").map(Boolean::parseBoolean).orElse(false);
        repairs = new RepairQueue(config.dataDirectory().resolve("gateway").resolve("repair"));
        repairer = scheduler.scheduleWithFixedDelay(this::drainRepairs, 2, 2, TimeUnit.SECONDS);
    }

    /** Started with the application, so a queue left by a crash drains without waiting for traffic. */
    void start(@Observes @Initialized(ApplicationScoped.class) Object event) {
        // Touching the bean runs @PostConstruct.
        repairs.depth();
    }

    @PreDestroy
    void stop() {
        if (repairer != null) {
            repairer.cancel(false);
        }
        if (replicaCalls != null) {
            replicaCalls.shutdownNow();
        }
        if (http != null) {
            http.close();
        }
    }

    /** Entries of the repair queue waiting to be delivered, by target node (published for restarted nodes). */
    public Map<String, Long> repairQueueDepthByTarget() {
        return repairs.depthByTarget();
    }

    /** Entries of the repair queue waiting to be delivered. */
    public long repairQueueDepth() {
        return repairs.depth();
    }

    /**
     * Delivers due repairs (see {@link HandOff}). A target that restarted and waits for its hinted
     * writes before it recovers (held by the {@link ReadGate}) has its entries delivered now,
     * whatever their back-off: it came back, and its recovery, and its return to reads, wait for
     * them. An entry whose target left the ring is done.
     */
    void drainRepairs() {
        Optional<Ring> ring = view.ring();
        if (ring.isEmpty() || repairs.depth() == 0) {
            return;
        }
        Instant now = Instant.now();
        Set<String> waiting = gate.held();
        HandOff handOff = new HandOff(ring.get(), this::node);
        for (RepairQueue.Entry e : repairs.due(now, 256, waiting::contains)) {
            Optional<RingNode> target = ring.get().member(e.target());
            if (target.isEmpty()) {
                repairs.done(e);
                continue;
            }
            try {
                HandOff.Outcome outcome = handOff.deliver(target.get(), e);
                if (outcome == HandOff.Outcome.NOWHERE) {
                    LOG.info(() -> "hinted write of " + e.key().bucket() + "/" + e.key().name() + " for " + e.target()
                            + " dropped: no member holds that version or a newer one (deleted and purged, or never"
                            + " stored)");
                }
                if (outcome.done()) {
                    repairs.done(e);
                } else {
                    repairs.retryLater(e, now);
                }
            } catch (RuntimeException x) {
                LOG.log(Level.FINE, "repair of " + e.key().name() + " on " + e.target() + " not yet possible", x);
                repairs.retryLater(e, now);
            }
        }
    }

    /** Reads answered by fewer than R replicas since start. */
    public long degradedReads() {
        return degradedReads.sum();
    }

    /** Replica writes that failed since start. */
    public long failedReplicaWrites() {
        return failedReplicaWrites.sum();
    }

    /** Replica calls not made because the node already had its most calls in flight, since start. */
    public long shedReplicaCalls() {
        return slots.shed();
    }

    private NeedleStorage target() {
        Optional<Ring> ring = view.ring();
        if (ring.isEmpty()) {
            return local;
        }
        NeedleStorage next = replicated(ring.get());
        Optional<Transition> moving = view.transition();
        if (moving.isPresent() && moving.get().next().version() == ring.get().version()) {
            // A rebalance: new owners first, old owners for what has not moved yet.
            return new RebalancingNeedleStorage(next, replicated(moving.get().union()), moving.get(), this::node);
        }
        return next;
    }

    private ReplicatedNeedleStorage replicated(Ring ring) {
        // A restarted node still catching up takes writes but is not read from (ReadGate).
        List<String> members = ring.members().stream().map(RingNode::id).toList();
        return new ReplicatedNeedleStorage(ring, view.levels(),
                n -> gate.isHeld(n.id(), members) ? new ReadHeldStorage(node(n), n.id()) : node(n),
                replicaCalls, timeout, spool, degradedReads, failedReplicaWrites, repairs, slots).strictReads(strictReads);
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
    public Optional<NeedleRecord> headLatest(NeedleKey key) {
        return target().headLatest(key);
    }

    @Override
    public Optional<NeedleRecord> head(NeedleKey key, String versionId) {
        return target().head(key, versionId);
    }

    /** Promised by this node alone without a ring; by the replicas otherwise; never during a rebalance. */
    @Override
    public PromisedHead headPromised(NeedleKey key, HeadPromise promise) {
        return target().headPromised(key, promise);
    }

    /** The ring's version and checksum and the consistency levels; no ring is an epoch of its own. */
    @Override
    public long placementEpoch() {
        Optional<Ring> ring = view.ring();
        if (ring.isEmpty()) {
            return -1;
        }
        return 31 * (31 * ring.get().version() + ring.get().checksum()) + view.levels().hashCode();
    }

    @Override
    public InputStream open(NeedleRecord record, long from, long length) {
        return target().open(record, from, length);
    }

    /** True without a ring (all data is here), else when the ring names this node a replica of the key. */
    @Override
    public boolean holdsLocally(NeedleKey key) {
        Optional<Ring> ring = view.ring();
        return ring.isEmpty() || ReplicatedNeedleStorage.replicasOf(ring.get(), key).stream()
                .anyMatch(n -> n.id().equals(selfId));
    }

    @Override
    public boolean answersAlone(NeedleKey key) {
        Optional<Ring> ring = view.ring();
        if (ring.isEmpty()) {
            return true;
        }
        if (view.transition().isPresent()) {
            return false;
        }
        List<RingNode> replicas = ReplicatedNeedleStorage.replicasOf(ring.get(), key);
        return replicas.size() == 1 && replicas.get(0).id().equals(selfId);
    }

    @Override
    public List<NeedleRecord> list(NeedleKind kind, String bucket, String prefix, String startAfter, int limit,
                                   boolean includeTombstones) {
        return target().list(kind, bucket, prefix, startAfter, limit, includeTombstones);
    }
}
