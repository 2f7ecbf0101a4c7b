package io.needlestack.gateway.cluster;

import io.needlestack.core.quorum.ConsistencyLevels;
import io.needlestack.core.quorum.QuorumTracker;
import io.needlestack.core.quorum.ReadResolution;
import io.needlestack.core.quorum.ReadResolver;
import io.needlestack.core.quorum.ReplicaAnswer;
import io.needlestack.core.quorum.ReplicaVersion;
import io.needlestack.core.ring.Ring;
import io.needlestack.core.ring.RingNode;
import io.needlestack.gateway.object.HeadPromise;
import io.needlestack.gateway.object.NeedleStorage;
import io.needlestack.gateway.object.PromisedHead;
import io.needlestack.storage.store.NeedleKey;
import io.needlestack.storage.store.NeedleKind;
import io.needlestack.storage.store.NeedleRecord;
import io.needlestack.storage.store.NeedleStoreException;
import io.needlestack.storage.store.NeedleWrite;
import io.needlestack.storage.store.PutResult;
import io.needlestack.storage.store.StoreUnavailableException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * {@link NeedleStorage} over the replicas the ring names: a write goes to all N replicas in
 * parallel and is acknowledged after W (D for deletes) have made it durable; a read asks every
 * replica for the version it holds, waits for R answers, picks the newest and repairs the replicas
 * that answered with an older one; a listing merges every node's page so that every ring range is
 * covered even with nodes down. Pure coordination: the ring, the levels, the way to reach a node
 * and the threads are given in the constructor, so it is tested without a server.
 */
public final class ReplicatedNeedleStorage implements NeedleStorage {

    private static final Logger LOG = Logger.getLogger(ReplicatedNeedleStorage.class.getName());

    private final Ring ring;
    private final ConsistencyLevels levels;
    private final Function<RingNode, NeedleStorage> nodes;
    private final ExecutorService executor;
    private final Duration timeout;
    private final PayloadSpool spool;
    private final LongAdder degradedReads;
    private final LongAdder failedReplicaWrites;
    private final RepairQueue repairs;
    private final ReplicaSlots slots;
    private boolean strictReads;

    /**
     * @param ring                the current ring
     * @param levels              N/W/R/D
     * @param nodes               how to reach a node's store (this node's own store for itself)
     * @param executor            threads for the replica calls
     * @param timeout             how long a write or read waits for its quorum
     * @param spool               where a payload waits while it goes out to several replicas
     * @param degradedReads       counts reads answered by fewer than R replicas
     * @param failedReplicaWrites counts replica writes that failed (to be repaired)
     * @param repairs             where failed replica writes are queued, durably, before the answer
     */
    public ReplicatedNeedleStorage(Ring ring, ConsistencyLevels levels, Function<RingNode, NeedleStorage> nodes,
                                   ExecutorService executor, Duration timeout, PayloadSpool spool,
                                   LongAdder degradedReads, LongAdder failedReplicaWrites, RepairQueue repairs) {
        this(ring, levels, nodes, executor, timeout, spool, degradedReads, failedReplicaWrites, repairs,
                ReplicaSlots.unbounded());
    }

    /**
     * @param ring                the current ring
     * @param levels              N/W/R/D
     * @param nodes               how to reach a node's store (this node's own store for itself)
     * @param executor            threads for the replica calls
     * @param timeout             how long a write or read waits for its quorum
     * @param spool               where a payload waits while it goes out to several replicas
     * @param degradedReads       counts reads answered by fewer than R replicas
     * @param failedReplicaWrites counts replica writes that failed (to be repaired)
     * @param repairs             where failed replica writes are queued, durably, before the answer
     * @param slots               the bound on calls in flight per node, shared by every ring's instance
     */
    public ReplicatedNeedleStorage(Ring ring, ConsistencyLevels levels, Function<RingNode, NeedleStorage> nodes,
                                   ExecutorService executor, Duration timeout, PayloadSpool spool,
                                   LongAdder degradedReads, LongAdder failedReplicaWrites, RepairQueue repairs,
                                   ReplicaSlots slots) {
        this.slots = slots;
        this.ring = ring;
        this.levels = levels;
        this.nodes = nodes;
        this.executor = executor;
        this.timeout = timeout;
        this.spool = spool;
        this.degradedReads = degradedReads;
        this.failedReplicaWrites = failedReplicaWrites;
        this.repairs = repairs;
    }

    /**
     * Refuses reads that fewer than R replicas answered ({@code needlestack.read.strict}) with a
     * retryable {@link StoreUnavailableException} (503) instead of serving them degraded.
     *
     * @return this
     */
    public ReplicatedNeedleStorage strictReads(boolean strict) {
        this.strictReads = strict;
        return this;
    }

    /** The replicas {@code ring} names for a needle key. */
    static List<RingNode> replicasOf(Ring ring, NeedleKey key) {
        // Every kind is its own namespace, so a chunk is never placed by an object key's hash.
        return ring.replicas(key.bucket(), key.kind() == NeedleKind.OBJECT ? key.name() : key.kind().name() + "/" + key.name());
    }

    private List<RingNode> replicas(NeedleKey key) {
        return replicasOf(ring, key);
    }

    @Override
    public PutResult put(NeedleWrite write, InputStream data, long length, boolean keepOlderVersions) {
        List<RingNode> targets = replicas(write.key());
        int needed = Math.min(write.tombstone() ? levels.d() : levels.w(), targets.size());
        if (targets.size() == 1) {
            // One replica (a one-node ring): stream straight through, no spool copy, nothing to repair.
            return nodes.apply(targets.get(0)).put(write, data, length, keepOlderVersions);
        }
        PayloadSpool.Payload payload = spool.hold(write.tombstone() ? InputStream.nullInputStream() : data,
                write.tombstone() ? 0 : length);
        // The payload is released by whoever finishes last: this thread once the quorum decided,
        // or the slowest replica call, which may still be writing after the client was answered.
        AtomicInteger holders = new AtomicInteger(1);
        Runnable release = () -> {
            if (holders.decrementAndGet() == 0) {
                payload.close();
            }
        };
        try {
            QuorumTracker tracker = new QuorumTracker(targets.stream().map(RingNode::id).toList(), needed);
            AtomicReference<PutResult> first = new AtomicReference<>();
            AtomicReference<RuntimeException> lastFailure = new AtomicReference<>();
            CountDownLatch decided = new CountDownLatch(1);
            List<CompletableFuture<Void>> calls = new ArrayList<>();
            Consumer<RingNode> send = node -> {
                holders.incrementAndGet();
                CompletableFuture<Void> call;
                try {
                    call = CompletableFuture.runAsync(() -> {
                        try (InputStream in = payload.open()) {
                            PutResult r = nodes.apply(node).put(write, in, payload.length(), keepOlderVersions);
                            first.compareAndSet(null, r);
                            tracker.success(node.id());
                            if (tracker.isSatisfied() || tracker.isImpossible()) {
                                decided.countDown();
                            }
                        } catch (IOException | RuntimeException e) {
                            replicaWriteFailed(node, write, e instanceof RuntimeException r ? r
                                    : new UncheckedIOException((IOException) e), tracker, lastFailure, decided);
                        } finally {
                            slots.release(node.id());
                        }
                    }, executor);
                } catch (RejectedExecutionException rejected) {
                    // No thread for the call: the same as a replica that did not answer.
                    slots.release(node.id());
                    release.run();
                    replicaWriteFailed(node, write, new StoreUnavailableException("no thread for a call to "
                            + node.id(), rejected), tracker, lastFailure, decided);
                    return;
                }
                calls.add(call.whenComplete((ok, t) -> release.run()));
            };
            slots.acquireEach(targets, RingNode::id, send, node -> replicaWriteFailed(node, write,
                    new StoreUnavailableException("too many calls in flight to " + node.id()), tracker, lastFailure,
                    decided));
            await(decided);
            if (!tracker.isSatisfied()) {
                // The payload must outlive the calls still running before it is released.
                CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).orTimeout(timeout.toMillis(),
                        TimeUnit.MILLISECONDS).exceptionally(t -> null).join();
                RuntimeException cause = lastFailure.get();
                if (cause instanceof NeedleStoreException n && !n.retryable()) {
                    throw n;
                }
                throw new StoreUnavailableException("only " + tracker.succeeded().size() + " of " + needed
                        + " replicas needed acknowledged the write of " + write.key().name(), cause);
            }
            // Answered at W: a slower replica finishes in the background (waiting for it made every
            // PUT as slow as the slowest of three nodes). Should it fail, its call queues the repair
            // then; were this node to die first, read repair and recovery bring the replica up to date.
            return first.get();
        } finally {
            release.run();
        }
    }

    /** One replica's write failed (or was never made): queue its repair, count it, and tell the quorum. */
    private void replicaWriteFailed(RingNode node, NeedleWrite write, RuntimeException e, QuorumTracker tracker,
                                    AtomicReference<RuntimeException> lastFailure, CountDownLatch decided) {
        lastFailure.set(e);
        boolean retryable = !(e instanceof NeedleStoreException n) || n.retryable();
        if (retryable) {
            // Queued (fsynced) before the client is answered: the replica catches up later.
            repairs.add(node.id(), write.key(), write.hlc(), write.versionId(), write.tombstone());
        }
        failedReplicaWrites.increment();
        tracker.failure(node.id(), retryable);
        LOG.log(Level.FINE, "replica write to " + node.id() + " failed", e);
        if (tracker.isSatisfied() || tracker.isImpossible()) {
            decided.countDown();
        }
    }

    @Override
    public Optional<NeedleRecord> head(NeedleKey key) {
        return read(key, plainHead(key)).record();
    }

    /** Asks a replica for the key's newest version, with no promise. */
    private Function<RingNode, PromisedHead> plainHead(NeedleKey key) {
        return node -> PromisedHead.unpromised(nodes.apply(node).head(key));
    }

    /**
     * Asks at least N - W + 1 replicas (and at least R), strictly: a read that degraded to fewer
     * answers (a replica down, read-held or out of call slots) could miss a write that W replicas
     * acknowledged, and a conditional write must not pass on it.
     */
    @Override
    public Optional<NeedleRecord> headLatest(NeedleKey key) {
        List<RingNode> targets = replicas(key);
        int w = Math.min(levels.w(), targets.size());
        int needed = Math.min(targets.size(), Math.max(levels.r(), targets.size() - w + 1));
        return read(key, plainHead(key), needed, true).record();
    }

    /**
     * The newest version, asking every replica for a call-back promise: promised when the
     * replicas that promised make every write quorum contain one of them (promises + W > N).
     */
    @Override
    public PromisedHead headPromised(NeedleKey key, HeadPromise promise) {
        return read(key, node -> nodes.apply(node).headPromised(key, promise));
    }

    @Override
    public Optional<NeedleRecord> head(NeedleKey key, String versionId) {
        return read(key, node -> PromisedHead.unpromised(nodes.apply(node).head(key, versionId))).record();
    }

    /** Asks every replica, waits for R answers (or all), returns the newest, repairs the stale. */
    private PromisedHead read(NeedleKey key, Function<RingNode, PromisedHead> ask) {
        return read(key, ask, Math.min(levels.r(), replicas(key).size()), strictReads);
    }

    /**
     * Asks every replica, waits for {@code needed} answers (or all), returns the newest, repairs
     * the stale.
     *
     * @param strict refuse (503) a read that fewer than {@code needed} replicas answered
     */
    private PromisedHead read(NeedleKey key, Function<RingNode, PromisedHead> ask, int needed, boolean strict) {
        List<RingNode> targets = replicas(key);
        if (targets.size() == 1) {
            return ask.apply(targets.get(0));
        }
        Map<String, Optional<NeedleRecord>> answers = new java.util.concurrent.ConcurrentHashMap<>();
        java.util.concurrent.atomic.AtomicInteger promises = new java.util.concurrent.atomic.AtomicInteger();
        CountDownLatch enough = new CountDownLatch(needed);
        CountDownLatch all = new CountDownLatch(targets.size());
        // A node whose slots stay taken (too many calls in flight to it) is a replica that does not answer.
        slots.acquireEach(targets, RingNode::id, node -> {
            try {
                CompletableFuture.runAsync(() -> {
                    try {
                        PromisedHead answer = ask.apply(node);
                        if (answer.promised()) {
                            // Counted before the answer, so that every counted answer's promise is in.
                            promises.incrementAndGet();
                        }
                        answers.put(node.id(), answer.record());
                        enough.countDown();
                    } catch (RuntimeException e) {
                        LOG.log(Level.FINE, "replica read from " + node.id() + " failed", e);
                    } finally {
                        slots.release(node.id());
                        all.countDown();
                    }
                }, executor);
            } catch (RejectedExecutionException rejected) {
                slots.release(node.id());
                all.countDown();
            }
        }, node -> all.countDown());
        try {
            long deadline = System.nanoTime() + timeout.toNanos();
            // Enough answers, or every replica answered or failed: whichever comes first.
            while (enough.getCount() > 0 && all.getCount() > 0 && System.nanoTime() < deadline) {
                enough.await(10, TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreUnavailableException("interrupted while reading " + key.name());
        }
        // Read before the answers: a promise counted here belongs to an answer taken below or to a
        // replica that answered late, and either way that replica will call back on its next write.
        int promised = promises.get();
        Map<String, Optional<NeedleRecord>> got = Map.copyOf(answers);
        if (got.isEmpty()) {
            throw new StoreUnavailableException("no replica of " + key.name() + " answered");
        }
        if (got.size() < needed) {
            if (strict) {
                throw new StoreUnavailableException("only " + got.size() + " of the " + needed
                        + " replicas a read needs answered for " + key.name() + " (strict reads)");
            }
            degradedReads.increment();
        }
        List<ReplicaAnswer> versions = new ArrayList<>();
        got.forEach((node, rec) -> versions.add(rec.map(r -> ReplicaAnswer.of(node, version(r)))
                .orElseGet(() -> ReplicaAnswer.absent(node))));
        ReadResolution resolution = new ReadResolver(Math.min(needed, got.size())).resolve(versions);
        // Kept only from a full read under levels whose reads see the last acknowledged write, and
        // when every write quorum contains a replica that promised.
        int w = Math.min(levels.w(), targets.size());
        boolean covered = got.size() >= needed && needed + w > targets.size() && promised + w > targets.size();
        if (resolution.newest().isEmpty()) {
            return new PromisedHead(Optional.empty(), covered);
        }
        String source = resolution.current().get(0);
        NeedleRecord newest = got.get(source).orElseThrow();
        if (resolution.needsRepair()) {
            // A replica with nothing for the key needs no tombstone: re-creating one there would only
            // undo a tombstone purge that is under way.
            List<String> stale = resolution.stale().stream()
                    .filter(n -> !newest.tombstone() || got.getOrDefault(n, Optional.empty()).isPresent()).toList();
            if (!stale.isEmpty()) {
                repair(newest, source, stale);
            }
        }
        return new PromisedHead(Optional.of(newest), covered);
    }

    private static ReplicaVersion version(NeedleRecord r) {
        return new ReplicaVersion(r.hlc(), r.versionId(), r.tombstone(), r.md5Hex() == null ? "" : r.md5Hex());
    }

    /** Read repair: copies the newest version from {@code source} to the stale replicas, in the background. */
    private void repair(NeedleRecord newest, String source, List<String> stale) {
        RingNode from = ring.member(source).orElse(null);
        if (from == null) {
            return;
        }
        for (String target : stale) {
            ring.member(target).ifPresent(to -> repairLater(() -> {
                NeedleWrite w = new NeedleWrite(newest.key(), newest.hlc(), newest.versionId(), newest.tombstone(),
                        newest.metadata());
                try (InputStream in = newest.tombstone() ? InputStream.nullInputStream()
                        : nodes.apply(from).open(newest, 0, newest.dataLength())) {
                    nodes.apply(to).put(w, in, newest.tombstone() ? 0 : newest.dataLength(), false);
                } catch (IOException | RuntimeException e) {
                    LOG.log(Level.INFO, "read repair of " + newest.key().name() + " on " + target + " failed", e);
                }
            }));
        }
    }

    private void repairLater(Runnable repair) {
        try {
            executor.execute(repair);
        } catch (RejectedExecutionException e) {
            // Busy: the next read of the key, or anti-entropy, repairs it.
            LOG.log(Level.FINE, "read repair skipped: no thread free", e);
        }
    }

    /**
     * Opens the data of a record that some replica returned: from the first replica that still
     * holds that version (the record's position is that replica's, so each replica looks the
     * version up in its own index).
     */
    @Override
    public InputStream open(NeedleRecord record, long from, long length) {
        List<RingNode> holders = replicas(record.key());
        if (holders.size() == 1) {
            // The record came from the only replica: its position is that replica's own.
            return nodes.apply(holders.get(0)).open(record, from, length);
        }
        RuntimeException last = null;
        boolean newerSeen = false;
        for (int i = 0; i < holders.size(); i++) {
            RingNode node = holders.get(i);
            try {
                NeedleStorage store = nodes.apply(node);
                Optional<NeedleRecord> own = store.head(record.key(), record.versionId());
                if (own.isPresent() && own.get().hlc() == record.hlc()) {
                    // A replica that fails part-way (dies, or its copy fails its checksum) hands
                    // the rest of the read to the next one that holds the version.
                    return new ResumingReadStream(new Holders(holders, record), i, store.open(own.get(), from, length),
                            "version " + record.versionId() + " of " + record.key(), from, length,
                            from == 0 && length == record.dataLength());
                }
                if (own.isEmpty()) {
                    newerSeen |= store.head(record.key()).map(r -> r.hlc() > record.hlc()).orElse(false);
                }
            } catch (io.needlestack.gateway.object.VersionGoneException e) {
                // Indexed at the HEAD just above, replaced and compacted away by the open.
                last = e;
                newerSeen = true;
            } catch (RuntimeException e) {
                last = e;
            }
        }
        if (newerSeen) {
            // An overwrite won the race with this read: the caller resolves the key again.
            throw new io.needlestack.gateway.object.VersionGoneException("version " + record.versionId() + " of "
                    + record.key().name() + " was replaced while it was being read");
        }
        throw new StoreUnavailableException("no replica holds version " + record.versionId() + " of "
                + record.key().name(), last);
    }

    /** The holders of one version, as {@link ResumingReadStream} opens it on them. */
    private final class Holders implements ResumingReadStream.Holders {
        private final List<RingNode> nodesInOrder;
        private final NeedleRecord record;

        Holders(List<RingNode> nodesInOrder, NeedleRecord record) {
            this.nodesInOrder = nodesInOrder;
            this.record = record;
        }

        @Override
        public int count() {
            return nodesInOrder.size();
        }

        @Override
        public InputStream open(int holder, long from, long length) {
            NeedleStorage store = nodes.apply(nodesInOrder.get(holder));
            NeedleRecord own = store.head(record.key(), record.versionId()).filter(r -> r.hlc() == record.hlc())
                    .orElseThrow(() -> new StoreUnavailableException(name(holder) + " does not hold version "
                            + record.versionId() + " of " + record.key().name()));
            return store.open(own, from, length);
        }

        @Override
        public String name(int holder) {
            return "node " + nodesInOrder.get(holder).id();
        }
    }

    /**
     * A listing merged from every ring member: each returns its newest version of every name (tombstones
     * included, so a delete one node saw hides the name everywhere); names are deduplicated keeping the
     * newest and returned in byte order. Nodes that do not answer are skipped: with N replicas every
     * range is still covered while fewer than N nodes are down.
     */
    @Override
    public List<NeedleRecord> list(NeedleKind kind, String bucket, String prefix, String startAfter, int limit,
                                   boolean includeTombstones) {
        List<NeedleRecord> out = new ArrayList<>();
        String after = startAfter;
        while (true) {
            MergedPage page = mergedPage(kind, bucket, prefix, after, limit);
            for (NeedleRecord r : page.records()) {
                if (includeTombstones || !r.tombstone()) {
                    out.add(r);
                    if (out.size() == limit) {
                        return out;
                    }
                }
            }
            if (page.resumeAfter() == null) {
                return out;
            }
            after = page.resumeAfter();
        }
    }

    /** Names up to where every node's page is complete, and where to go on (null: nothing more). */
    private record MergedPage(List<NeedleRecord> records, String resumeAfter) {
    }

    private MergedPage mergedPage(NeedleKind kind, String bucket, String prefix, String after, int limit) {
        if (ring.members().size() == 1) {
            List<NeedleRecord> page = nodes.apply(ring.members().get(0)).list(kind, bucket, prefix, after, limit, true);
            return new MergedPage(page, page.size() >= limit ? page.get(page.size() - 1).key().name() : null);
        }
        List<CompletableFuture<List<NeedleRecord>>> pages = new ArrayList<>();
        for (RingNode node : ring.members()) {
            CompletableFuture<List<NeedleRecord>> page;
            try {
                page = CompletableFuture.supplyAsync(
                        () -> nodes.apply(node).list(kind, bucket, prefix, after, limit, true), executor);
            } catch (RejectedExecutionException e) {
                // Counted like a node that did not answer.
                page = CompletableFuture.failedFuture(new StoreUnavailableException("no thread for a listing", e));
            }
            pages.add(page);
        }
        TreeMap<byte[], NeedleRecord> merged = new TreeMap<>(Arrays::compareUnsigned);
        int answered = 0;
        RuntimeException last = null;
        byte[] horizon = null;
        String horizonName = null;
        for (CompletableFuture<List<NeedleRecord>> page : pages) {
            List<NeedleRecord> records;
            try {
                records = page.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                last = e instanceof RuntimeException r ? r : new StoreUnavailableException("listing failed", e);
                continue;
            }
            answered++;
            for (NeedleRecord r : records) {
                merged.merge(r.key().name().getBytes(StandardCharsets.UTF_8), r,
                        (a, b) -> version(a).compareTo(version(b)) >= 0 ? a : b);
            }
            // A full page ends where this node stopped: names past it may be missing from the merge.
            if (records.size() >= limit) {
                String endName = records.get(records.size() - 1).key().name();
                byte[] end = endName.getBytes(StandardCharsets.UTF_8);
                if (horizon == null || Arrays.compareUnsigned(end, horizon) < 0) {
                    horizon = end;
                    horizonName = endName;
                }
            }
        }
        if (answered == 0) {
            throw last != null ? last : new StoreUnavailableException("no node answered the listing");
        }
        int nodesDown = ring.members().size() - answered;
        if (nodesDown >= Math.min(levels.n(), ring.members().size())) {
            throw new StoreUnavailableException(nodesDown + " nodes did not answer: the listing could miss names");
        }
        List<NeedleRecord> records = new ArrayList<>();
        for (Map.Entry<byte[], NeedleRecord> e : merged.entrySet()) {
            if (horizon != null && Arrays.compareUnsigned(e.getKey(), horizon) > 0) {
                break;
            }
            records.add(e.getValue());
        }
        return new MergedPage(records, horizonName);
    }

    private void await(CountDownLatch decided) {
        try {
            if (!decided.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.fine("quorum not decided within " + timeout);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreUnavailableException("interrupted while waiting for replicas");
        }
    }
}
