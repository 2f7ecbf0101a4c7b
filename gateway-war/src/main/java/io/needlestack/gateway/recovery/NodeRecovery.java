package io.needlestack.gateway.recovery;

import com.hazelcast.map.IMap;
import io.needlestack.core.config.NodeConfig;
import io.needlestack.core.internal.ClusterSecret;
import io.needlestack.core.internal.InternalAuth;
import io.needlestack.core.node.RecoveryRecord;
import io.needlestack.core.platform.PlatformServices;
import io.needlestack.core.ring.Ring;
import io.needlestack.core.ring.RingNode;
import io.needlestack.core.ring.Token;
import io.needlestack.gateway.cluster.RingView;
import io.needlestack.gateway.cluster.RoutedNeedleStorage;
import io.needlestack.gateway.internal.InternalHttp;
import io.needlestack.gateway.internal.InternalNeedleClient;
import io.needlestack.gateway.object.LocalNeedleStorage;
import io.needlestack.gateway.object.NeedleStorage;
import io.needlestack.storage.store.NeedleRecord;
import io.needlestack.storage.store.NeedleWrite;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * This node's anti-entropy ({@code recover-node}): compares, sub-range by sub-range, what it
 * holds with each replica peer ({@link SegmentDigests}; full listings only where digests differ)
 * and copies what is missing or stale both ways ({@link HoldingsDiff}). Runs in the background,
 * one at a time, with its progress in a {@link RecoveryRecord} published in Hazelcast.
 *
 * <p>When the node starts as a member of a ring of several nodes it recovers by itself: it is
 * published as not recovered (gateways then do not read from it, see
 * {@code io.needlestack.gateway.cluster.ReadGate}), waits until the coordinators' repair queues
 * hold no hinted write for it any more (bounded by {@code needlestack.recovery.hints.wait.s},
 * default 180), runs one recovery pass, and is published as recovered. Every node also publishes
 * its own repair queue's depth per target ({@link RecoveryRecord#HINTS_MAP}) every two seconds.
 */
@ApplicationScoped
public class NodeRecovery {

    private static final Logger LOG = Logger.getLogger(NodeRecovery.class.getName());
    private static final int BATCH_SEGMENTS = 256;
    private static final int ENTRY_PAGE = 5000;
    /** A coordinator whose hints are older than this is gone: its hints cannot be waited for. */
    private static final Duration HINTS_FRESH = Duration.ofSeconds(10);
    private static final Duration SCAN_TIMEOUT = Duration.ofMinutes(5);

    @Inject
    LocalNeedleStorage local;
    @Inject
    RingView view;
    @Inject
    RoutedNeedleStorage routed;
    @Resource
    ManagedThreadFactory threads;
    @Resource
    ManagedScheduledExecutorService scheduler;

    private final PlatformServices platform = new PlatformServices();
    private final Map<String, InternalNeedleClient> stores = new ConcurrentHashMap<>();
    private final AtomicBoolean running = new AtomicBoolean();
    private String selfId;
    private InternalAuth auth;
    private HttpClient http;
    private InternalHttp internalHttp;
    private Duration timeout;
    private Duration hintsWait;
    private boolean onRestart;
    private volatile RecoveryRecord status;
    private ScheduledFuture<?> beat;

    @PostConstruct
    void init() {
        NodeConfig config = NodeConfig.current();
        selfId = config.nodeId();
        auth = ClusterSecret.auth(config.dataDirectory());
        http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2))
                .followRedirects(HttpClient.Redirect.NEVER).build();
        internalHttp = InternalNeedleClient.httpClient(Duration.ofSeconds(2));
        timeout = Duration.ofMillis(config.getLong("needlestack.replica.timeout.ms", 8_000));
        hintsWait = Duration.ofSeconds(config.getLong("needlestack.recovery.hints.wait.s", 180));
        onRestart = Boolean.parseBoolean(config.get("needlestack.recovery.on.restart", "true"));
        status = new RecoveryRecord(selfId, "starting", "restart", false, null, null, 0, 0, 0, 0, 0, 0, "",
                Instant.now());
    }

    /** Publishes this node as not yet recovered, then decides in the background whether it must recover. */
    void start(@Observes @Initialized(ApplicationScoped.class) Object event) {
        publish(status);
        beat = scheduler.scheduleWithFixedDelay(this::beat, 2, 2, TimeUnit.SECONDS);
        running.set(true);
        background(this::recoverAfterStart, "after start");
    }

    @PreDestroy
    void stop() {
        if (beat != null) {
            beat.cancel(false);
        }
        if (internalHttp != null) {
            internalHttp.close();
        }
    }

    /** The current or last recovery. */
    public RecoveryRecord status() {
        return status;
    }

    /**
     * Starts a recovery pass in the background (an operator's {@code recover-node}).
     *
     * @throws RecoveryRefusedException {@code RecoveryRunning} while one runs, {@code NoRing} without a ring of several nodes
     */
    public RecoveryRecord startRecovery() {
        Ring ring = view.ring().orElseThrow(() -> new RecoveryRefusedException("NoRing", 409,
                "node " + selfId + " places by no ring: there is nothing to compare with"));
        if (!running.compareAndSet(false, true)) {
            throw new RecoveryRefusedException("RecoveryRunning", 409, "node " + selfId + " is already recovering ("
                    + status.state() + " since " + status.startedAt() + ")");
        }
        set(new RecoveryRecord(selfId, "running", "operator", status.recovered(), Instant.now(), null, 0, 0, 0, 0, 0,
                0, "", Instant.now()));
        try {
            background(() -> {
                try {
                    recover(ring, "operator");
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "recovery of " + selfId + " failed", e);
                    RecoveryRecord s = status;
                    set(new RecoveryRecord(selfId, "failed", "operator", s.recovered(), s.startedAt(), Instant.now(),
                            s.peers(), s.segments(), s.segmentsDiffered(), s.pulled(), s.pushed(), s.errors() + 1,
                            String.valueOf(e), Instant.now()));
                } finally {
                    running.set(false);
                }
            }, "operator");
        } catch (RuntimeException e) {
            running.set(false);
            throw e;
        }
        return status;
    }

    /**
     * A pass runs for minutes: on a thread of its own, not on the executor the replica calls of
     * client requests share.
     */
    private void background(Runnable task, String what) {
        Thread t = threads.newThread(task);
        t.setName("needlestack-recovery-" + what);
        t.setDaemon(true);
        t.start();
    }

    private void recoverAfterStart() {
        try {
            Optional<Ring> ring = view.ring();
            // A wiped node has no ring copy: give the published ring a moment to arrive.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            while (ring.isEmpty() && System.nanoTime() < deadline) {
                sleep(500);
                ring = view.ring();
            }
            if (!onRestart || ring.isEmpty() || ring.get().members().size() < 2 || !ring.get().contains(selfId)) {
                set(new RecoveryRecord(selfId, "idle", "none", true, null, null, 0, 0, 0, 0, 0, 0, "", Instant.now()));
                return;
            }
            Instant t0 = Instant.now();
            long hintDeadline = System.nanoTime() + hintsWait.toNanos();
            long pending;
            while ((pending = hintsFor(selfId)) > 0 && System.nanoTime() < hintDeadline) {
                set(new RecoveryRecord(selfId, "waiting-for-hints", "restart", false, t0, null, 0, 0, 0, 0, 0, 0,
                        pending + " hinted writes for this node still queued on coordinators", Instant.now()));
                sleep(1000);
            }
            if (pending > 0) {
                LOG.warning("node " + selfId + ": " + pending + " hinted writes still queued after " + hintsWait
                        + "; recovering anyway (recovery copies them too)");
            }
            recover(view.ring().orElse(ring.get()), "restart");
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "recovery after start failed", e);
            RecoveryRecord s = status;
            set(new RecoveryRecord(selfId, "failed", "restart", true, s.startedAt(), Instant.now(), s.peers(),
                    s.segments(), s.segmentsDiffered(), s.pulled(), s.pushed(), s.errors() + 1, String.valueOf(e),
                    Instant.now()));
        } finally {
            running.set(false);
        }
    }

    /**
     * One pass over every peer; the node counts as recovered at its end (errors are reported, not
     * fatal).
     *
     * <p>This node's digests are taken once, before the first peer, so a version it pulls from one
     * peer is not yet in the digests it compares with the others: another peer that lacks it too
     * (its replica write still on its way, or waiting in a coordinator's repair queue) would not
     * get it. So when the first round pulled anything, every peer is compared once more, only in
     * the sub-ranges where this node's holdings now differ from the digests that peer sent in the
     * first round. The pass thus leaves every replica it shares a sub-range with holding the
     * newest version it saw, not just this node.
     */
    void recover(Ring ring, String trigger) {
        Instant t0 = Instant.now();
        List<RingNode> peers = ring.members().stream().filter(n -> !n.id().equals(selfId)).toList();
        Progress p = new Progress(trigger, t0, peers.size());
        set(p.record("running", false));
        Map<String, SegmentDigests> theirs = new HashMap<>();
        Map<String, SegmentDigests> mine = ownDigests(ring, peers);
        for (RingNode peer : peers) {
            try {
                RecoveryClient client = client(peer);
                SegmentDigests d = client.digests(selfId, ring.checksumHex());
                theirs.put(peer.id(), d);
                BitSet differ = mine.get(peer.id()).differing(d);
                p.segments.addAndGet(mine.get(peer.id()).nonEmptyEither(d));
                p.differed.addAndGet(differ.cardinality());
                exchange(ring, peer, client, differ, p);
            } catch (RuntimeException e) {
                peerFailed(p, peer, "recovery", e);
            }
            set(p.record("running", false));
        }
        List<RingNode> again = peers.stream().filter(n -> theirs.containsKey(n.id())).toList();
        if (p.pulled.get() > 0 && !again.isEmpty()) {
            Map<String, SegmentDigests> now = ownDigests(ring, again);
            for (RingNode peer : again) {
                try {
                    // Only the sub-ranges that changed here since the peer's digests: what this pass pulled.
                    BitSet differ = now.get(peer.id()).differing(theirs.get(peer.id()));
                    exchange(ring, peer, client(peer), differ, p);
                } catch (RuntimeException e) {
                    peerFailed(p, peer, "second round", e);
                }
                set(p.record("running", false));
            }
        }
        RecoveryRecord done = p.record(p.errors.get() == 0 ? "done" : "failed", true);
        set(done);
        LOG.info(() -> "recovery of " + selfId + " (" + trigger + ") finished in "
                + Duration.between(t0, Instant.now()).toMillis() + " ms: " + done.toJson());
    }

    /** A peer's part of a pass failed: counted and reported, and the pass goes on with the next. */
    private void peerFailed(Progress p, RingNode peer, String what, RuntimeException e) {
        p.errors.incrementAndGet();
        p.message = "peer " + peer.id() + ": " + e.getMessage();
        LOG.log(Level.WARNING, what + " of " + selfId + " with " + peer.id() + " failed", e);
    }

    /** Digests of this node's holdings, for each of {@code peers}, of what both are replicas of. */
    private Map<String, SegmentDigests> ownDigests(Ring ring, List<RingNode> peers) {
        Map<String, SegmentDigests> mine = new HashMap<>();
        peers.forEach(n -> mine.put(n.id(), new SegmentDigests()));
        Holdings.walk(local::scan, null, h -> true, (h, r) -> {
            Token t = Placement.token(h.key());
            List<RingNode> reps = ring.replicas(t);
            if (holds(reps, selfId)) {
                int s = SegmentDigests.segment(t);
                for (RingNode n : reps) {
                    SegmentDigests d = mine.get(n.id());
                    if (d != null) {
                        d.add(s, h);
                    }
                }
            }
            return true;
        });
        return mine;
    }

    private RecoveryClient client(RingNode peer) {
        // A peer digests by scanning its whole store: far longer than a replica call may take.
        return new RecoveryClient(URI.create(peer.endpoint()), auth, http, SCAN_TIMEOUT);
    }

    /** Lists both sides' holdings in the {@code differ} sub-ranges and copies each newer version across. */
    private void exchange(Ring ring, RingNode peer, RecoveryClient client, BitSet differ, Progress p) {
        NeedleStorage remote = store(peer);
        // Batches of sub-ranges bound what is held in memory at once.
        for (int from = differ.nextSetBit(0); from >= 0; ) {
            BitSet batch = new BitSet(SegmentDigests.SEGMENTS);
            int n = 0;
            int s = from;
            for (; s >= 0 && n < BATCH_SEGMENTS; s = differ.nextSetBit(s + 1)) {
                batch.set(s);
                n++;
            }
            from = s;
            List<Holding> theirList = new ArrayList<>();
            NeedleRecord after = null;
            do {
                RecoveryJson.EntryPage page = client.entries(selfId, ring.checksumHex(), batch, after, ENTRY_PAGE);
                theirList.addAll(page.entries());
                after = page.next();
            } while (after != null);
            List<Holding> myList = new ArrayList<>();
            Holdings.walk(local::scan, null, h -> shared(ring, h, batch, peer.id()), (h, r) -> myList.add(h));
            HoldingsDiff diff = HoldingsDiff.of(myList, theirList);
            for (Holding h : diff.pull()) {
                copy(h, remote, local, p.pulled, p);
            }
            for (Holding h : diff.push()) {
                copy(h, local, remote, p.pushed, p);
            }
            set(p.record("running", false));
        }
    }

    private void copy(Holding h, NeedleStorage from, NeedleStorage to, AtomicLong counter, Progress p) {
        try {
            if (copyVersion(h, from, to)) {
                counter.incrementAndGet();
            }
        } catch (RuntimeException e) {
            p.errors.incrementAndGet();
            p.message = "copy of " + h.key().name() + ": " + e.getMessage();
            LOG.log(Level.FINE, "copy of " + h.key() + " failed", e);
        }
    }

    /** Copies one version; false when the source no longer holds it (replaced meanwhile). */
    static boolean copyVersion(Holding h, NeedleStorage from, NeedleStorage to) {
        if (h.tombstone()) {
            to.put(new NeedleWrite(h.key(), h.hlc(), h.versionId(), true, null), InputStream.nullInputStream(), 0, false);
            return true;
        }
        Optional<NeedleRecord> held = from.head(h.key(), h.versionId());
        if (held.isEmpty() || held.get().hlc() != h.hlc()) {
            return false;
        }
        NeedleRecord r = held.get();
        try (InputStream in = from.open(r, 0, r.dataLength())) {
            to.put(new NeedleWrite(r.key(), r.hlc(), r.versionId(), r.tombstone(), r.metadata()), in, r.dataLength(),
                    false);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return true;
    }

    // ---- the peer side --------------------------------------------------------------------------

    /** Digests of what this node holds with {@code peer} as a fellow replica, by the ring of that checksum. */
    public String digests(String peer, String ringChecksum) {
        Ring ring = ring(ringChecksum);
        SegmentDigests d = new SegmentDigests();
        Holdings.walk(local::scan, null, h -> true, (h, r) -> {
            Token t = Placement.token(h.key());
            List<RingNode> reps = ring.replicas(t);
            if (holds(reps, selfId) && holds(reps, peer)) {
                d.add(SegmentDigests.segment(t), h);
            }
            return true;
        });
        return RecoveryJson.digests(ringChecksum, d);
    }

    /** One page of what this node holds with {@code peer} as a fellow replica in the given sub-ranges. */
    public String entries(String peer, String ringChecksum, BitSet segments, NeedleRecord after, int limit) {
        Ring ring = ring(ringChecksum);
        List<Holding> out = new ArrayList<>();
        NeedleRecord stop = Holdings.walk(local::scan, after, h -> shared(ring, h, segments, peer), (h, r) -> {
            out.add(h);
            return out.size() < limit;
        });
        return RecoveryJson.entries(out, stop);
    }

    private Ring ring(String checksum) {
        Ring ring = view.ring().orElseThrow(() -> new RecoveryRefusedException("NoRing", 409,
                "node " + selfId + " places by no ring"));
        if (!ring.checksumHex().equals(checksum)) {
            throw new RecoveryRefusedException("RingMismatch", 409, "node " + selfId + " places by ring v"
                    + ring.version() + " " + ring.checksumHex() + ", not " + checksum);
        }
        return ring;
    }

    private boolean shared(Ring ring, Holding h, BitSet segments, String peer) {
        Token t = Placement.token(h.key());
        if (!segments.get(SegmentDigests.segment(t))) {
            return false;
        }
        List<RingNode> reps = ring.replicas(t);
        return holds(reps, selfId) && holds(reps, peer);
    }

    private static boolean holds(List<RingNode> replicas, String id) {
        for (RingNode n : replicas) {
            if (n.id().equals(id)) {
                return true;
            }
        }
        return false;
    }

    /** A ring member's store: this node's own, or its internal endpoint. */
    NeedleStorage store(RingNode node) {
        if (node.id().equals(selfId)) {
            return local;
        }
        return stores.computeIfAbsent(node.endpoint(), e -> new InternalNeedleClient(URI.create(e), auth, internalHttp, timeout));
    }

    String selfId() {
        return selfId;
    }

    // ---- publication ----------------------------------------------------------------------------

    private void beat() {
        try {
            Map<String, Long> depth = routed.repairQueueDepthByTarget();
            hints().ifPresent(m -> m.put(selfId, RecoveryRecord.hintsJson(Instant.now(), depth)));
            publish(status);
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "recovery beat failed", e);
        }
    }

    /** Hinted writes for {@code target} that live coordinators (other than this node) still hold. */
    long hintsFor(String target) {
        Optional<IMap<String, String>> m = hints();
        if (m.isEmpty()) {
            return 0;
        }
        Instant fresh = Instant.now().minus(HINTS_FRESH);
        long sum = 0;
        for (Map.Entry<String, String> e : m.get().entrySet()) {
            try {
                if (e.getKey().equals(selfId) || RecoveryRecord.hintsAt(e.getValue()).isBefore(fresh)) {
                    continue;
                }
                sum += RecoveryRecord.hintTargets(e.getValue()).getOrDefault(target, 0L);
            } catch (RuntimeException x) {
                LOG.log(Level.FINE, "unreadable hints of " + e.getKey(), x);
            }
        }
        return sum;
    }

    private void set(RecoveryRecord r) {
        status = r;
        publish(r);
    }

    private void publish(RecoveryRecord r) {
        try {
            platform.hazelcast().ifPresent(hz -> hz.<String, String>getMap(RecoveryRecord.MAP).put(selfId,
                    new RecoveryRecord(r.node(), r.state(), r.trigger(), r.recovered(), r.startedAt(), r.finishedAt(),
                            r.peers(), r.segments(), r.segmentsDiffered(), r.pulled(), r.pushed(), r.errors(),
                            r.message(), Instant.now()).toJson()));
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "could not publish the recovery state", e);
        }
    }

    private Optional<IMap<String, String>> hints() {
        return platform.hazelcast().map(hz -> hz.getMap(RecoveryRecord.HINTS_MAP));
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Counters of a running pass. */
    private final class Progress {
        final String trigger;
        final Instant startedAt;
        final int peers;
        final AtomicLong segments = new AtomicLong();
        final AtomicLong differed = new AtomicLong();
        final AtomicLong pulled = new AtomicLong();
        final AtomicLong pushed = new AtomicLong();
        final AtomicLong errors = new AtomicLong();
        volatile String message = "";

        Progress(String trigger, Instant startedAt, int peers) {
            this.trigger = trigger;
            this.startedAt = startedAt;
            this.peers = peers;
        }

        RecoveryRecord record(String state, boolean finished) {
            // A node stays readable once recovered; a restart's pass makes it readable when it ends.
            boolean recovered = status.recovered() || finished;
            return new RecoveryRecord(selfId, state, trigger, recovered, startedAt, finished ? Instant.now() : null,
                    peers, segments.get(), differed.get(), pulled.get(), pushed.get(), errors.get(), message,
                    Instant.now());
        }
    }
}
