package io.needlestack.gateway.cluster.rebalance;

import io.needlestack.core.ring.RingNode;
import io.needlestack.gateway.object.NeedleStorage;
import io.needlestack.storage.store.NeedleKey;
import io.needlestack.storage.store.NeedleRecord;
import io.needlestack.storage.store.NeedleWrite;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One walk over this node's store during a rebalance: every version the {@link MoveRule} gives a
 * move is copied (same HLC, version id, metadata; tombstones too) to each target that does not
 * hold it yet (asked first), and released here only once every target confirmed it (a HEAD
 * showing that version, or a newer one of the newest version of a key). Idempotent: a version
 * already held is not copied again, so a pass that is repeated, or restarted after a crash, only
 * does what is left. Failures are counted and left for the next pass.
 */
final class MovePass {

    private static final Logger LOG = Logger.getLogger(MovePass.class.getName());

    /** This node's own store, as the pass needs it. */
    interface Holdings {
        /** Every stored version after {@code after}, in index order (keys' newest version first). */
        List<NeedleRecord> scan(NeedleRecord after, int limit);

        /** Forgets one version. */
        boolean drop(NeedleKey key, long hlc, String versionId);

        /** The whole data of a version. */
        InputStream open(NeedleRecord record);
    }

    /** Counts of one pass; {@link #moved()} is what made the pass not a no-op. */
    static final class Counts {
        long scanned;
        long copied;
        long bytes;
        long released;
        long pending;
        long failed;

        long moved() {
            return copied + released + pending + failed;
        }

        void add(Counts c) {
            copied += c.copied;
            bytes += c.bytes;
            released += c.released;
            pending += c.pending;
            failed += c.failed;
        }

        @Override
        public String toString() {
            return "scanned=" + scanned + " copied=" + copied + " bytes=" + bytes + " released=" + released
                    + " pending=" + pending + " failed=" + failed;
        }
    }

    private final String self;
    private final MoveRule rule;
    private final Holdings local;
    private final Function<RingNode, NeedleStorage> nodes;
    private final Throttle throttle;
    private final int page;
    private final ExecutorService workers;

    /**
     * @param workers threads that move the versions of a page in parallel (null: one at a time, in
     *                the caller's thread); the throttle bounds them all together
     */
    MovePass(String self, Transition transition, Holdings local, Function<RingNode, NeedleStorage> nodes,
             Throttle throttle, int page, ExecutorService workers) {
        this.self = self;
        this.rule = new MoveRule(self, transition.plan());
        this.local = local;
        this.nodes = nodes;
        this.throttle = throttle;
        this.page = page;
        this.workers = workers;
    }

    /**
     * Walks the whole store.
     *
     * @param counts    updated as the pass goes (so progress can be published meanwhile)
     * @param keepGoing checked between pages; false stops the pass (the ring changed, or shutdown)
     * @param afterPage called after every page
     * @return whether the walk reached the end
     */
    boolean run(Counts counts, BooleanSupplier keepGoing, Runnable afterPage) throws InterruptedException {
        NeedleRecord after = null;
        NeedleKey lastKey = null;
        while (keepGoing.getAsBoolean()) {
            List<NeedleRecord> records = local.scan(after, page);
            List<CompletableFuture<Counts>> moving = new ArrayList<>();
            for (NeedleRecord r : records) {
                counts.scanned++;
                // The scan gives a key's versions newest first.
                boolean newest = !r.key().equals(lastKey);
                lastKey = r.key();
                MoveRule.Move move = rule.decide(r.key());
                if (move.isNone()) {
                    continue;
                }
                if (workers == null) {
                    counts.add(handle(r, newest, move));
                } else {
                    moving.add(CompletableFuture.supplyAsync(() -> {
                        try {
                            return handle(r, newest, move);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            throw new CompletionException(e);
                        }
                    }, workers));
                }
            }
            // The page is finished before the next is read: the cursor never runs ahead of the work.
            for (CompletableFuture<Counts> f : moving) {
                try {
                    counts.add(f.get());
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof CompletionException c && c.getCause() instanceof InterruptedException) {
                        throw new InterruptedException("rebalance pass interrupted");
                    }
                    counts.failed++;
                    LOG.log(Level.WARNING, "rebalance move failed unexpectedly", e.getCause());
                }
            }
            afterPage.run();
            if (records.size() < page) {
                return true;
            }
            after = records.get(records.size() - 1);
        }
        return false;
    }

    private Counts handle(NeedleRecord r, boolean newest, MoveRule.Move move) throws InterruptedException {
        Counts counts = new Counts();
        boolean allConfirmed = true;
        for (RingNode target : move.targets()) {
            if (target.id().equals(self)) {
                continue;
            }
            try {
                NeedleStorage to = nodes.apply(target);
                throttle.acquire(1, 0);
                if (holds(to, r, newest)) {
                    continue;
                }
                long length = r.tombstone() ? 0 : r.dataLength();
                throttle.acquire(1, length);
                NeedleWrite w = new NeedleWrite(r.key(), r.hlc(), r.versionId(), r.tombstone(), r.metadata());
                try (InputStream in = r.tombstone() ? InputStream.nullInputStream() : local.open(r)) {
                    to.put(w, in, length, !newest);
                }
                counts.copied++;
                counts.bytes += length;
                throttle.acquire(1, 0);
                if (!holds(to, r, newest)) {
                    counts.pending++;
                    allConfirmed = false;
                }
            } catch (IOException | RuntimeException e) {
                counts.failed++;
                allConfirmed = false;
                LOG.log(Level.FINE, "rebalance copy of " + r.key().name() + " to " + target.id() + " failed", e);
            }
        }
        if (move.release() && allConfirmed && local.drop(r.key(), r.hlc(), r.versionId())) {
            counts.released++;
        }
        return counts;
    }

    /** Whether a node confirms a version: it holds it, or (for a key's newest version) a newer one. */
    private static boolean holds(NeedleStorage node, NeedleRecord r, boolean newest) {
        if (newest) {
            Optional<NeedleRecord> there = node.head(r.key());
            if (there.isPresent() && (there.get().hlc() > r.hlc()
                    || (there.get().hlc() == r.hlc() && there.get().versionId().equals(r.versionId())))) {
                return true;
            }
        }
        Optional<NeedleRecord> version = node.head(r.key(), r.versionId());
        return version.isPresent() && version.get().hlc() == r.hlc();
    }
}
