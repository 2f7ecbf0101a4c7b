package io.needlestack.storage.engine;

import io.needlestack.storage.container.ContainerRewrite;
import io.needlestack.storage.store.CompactionRefusedException;
import io.needlestack.storage.store.CompactionStatus;
import io.needlestack.storage.store.ContainerUsage;
import io.needlestack.storage.store.StoreUnavailableException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs one compaction at a time on a thread of its own, container after container, and keeps its
 * state for {@code compact-status}: LeoFS's idle / running / suspended. Off until an operator
 * starts it; see the README, "Compaction".
 */
final class Compactor {

    private static final Logger LOG = Logger.getLogger(Compactor.class.getName());
    /** How long closing the store waits for the compaction thread to let go. */
    private static final long STOP_WAIT_MILLIS = 60_000;

    private final NeedleEngine engine;

    // All guarded by this.
    private Thread thread;
    private Thread autoThread;
    private boolean suspended;
    private boolean stopping;
    private String outcome = "none";
    private long startedAt;
    private long finishedAt;
    private int total;
    private int done;
    private int current = -1;
    private long bytesBefore;
    private long bytesAfter;
    private long kept;
    private long dropped;
    private long corrupt;
    private String message;

    Compactor(NeedleEngine engine) {
        this.engine = engine;
    }

    /**
     * Starts compacting {@code ids}, or when empty every container with bytes to reclaim (most
     * first). Refused when one runs, an id is unknown, or free space is smaller than the largest
     * container it may copy (checked again before each container).
     */
    synchronized CompactionStatus start(Set<Integer> ids) {
        if (stopping) {
            throw new StoreUnavailableException("the needle store is closing");
        }
        if (thread != null) {
            throw new CompactionRefusedException("CompactionRunning", "a compaction is already "
                    + (suspended ? "suspended (compact-resume)" : "running") + " on this node");
        }
        long[] files = engine.fileBytes();
        List<Integer> explicit = null;
        if (ids != null && !ids.isEmpty()) {
            for (int id : ids) {
                if (id < 0 || id >= files.length) {
                    throw new CompactionRefusedException("NoSuchContainer", "no container " + id + " (this node has 0.."
                            + (files.length - 1) + ")");
                }
            }
            explicit = new ArrayList<>(new TreeSet<>(ids));
        }
        int largestId = 0;
        for (int id = 0; id < files.length; id++) {
            if ((explicit == null || explicit.contains(id)) && files[id] > files[largestId]) {
                largestId = id;
            }
        }
        engine.requireSpaceToCompact(largestId);
        outcome = "none";
        startedAt = System.currentTimeMillis();
        finishedAt = 0;
        total = explicit == null ? 0 : explicit.size();
        done = 0;
        current = -1;
        bytesBefore = bytesAfter = kept = dropped = corrupt = 0;
        message = null;
        suspended = false;
        List<Integer> todo = explicit;
        thread = new Thread(() -> run(todo), "needle-compaction");
        thread.setDaemon(true);
        thread.start();
        return snapshot();
    }

    synchronized CompactionStatus suspend() {
        if (thread == null) {
            throw new CompactionRefusedException("CompactionNotRunning", "no compaction is running on this node");
        }
        suspended = true;
        return snapshot();
    }

    synchronized CompactionStatus resume() {
        if (thread == null || !suspended) {
            throw new CompactionRefusedException("CompactionNotRunning", "no compaction is suspended on this node");
        }
        suspended = false;
        notifyAll();
        return snapshot();
    }

    synchronized CompactionStatus status() {
        return snapshot();
    }

    /**
     * Starts the thread that looks at the containers every {@code auto.intervalSeconds()} and
     * compacts those {@link AutoCompactionPolicy} finds due, unless a compaction runs already.
     * Nothing when automatic compaction is off.
     */
    void startAuto(EngineConfig.AutoCompaction auto) {
        if (!auto.enabled()) {
            return;
        }
        AutoCompactionPolicy policy = new AutoCompactionPolicy(auto.ratio(), auto.minBytes());
        Thread t = new Thread(() -> autoLoop(policy, auto.intervalSeconds() * 1000), "needle-compaction-auto");
        t.setDaemon(true);
        synchronized (this) {
            autoThread = t;
        }
        t.start();
        LOG.log(Level.INFO, "automatic compaction on: every {0} s, containers with at least {1} bytes and {2} of"
                + " their file reclaimable", new Object[] {auto.intervalSeconds(), auto.minBytes(), auto.ratio()});
    }

    private void autoLoop(AutoCompactionPolicy policy, long intervalMillis) {
        while (true) {
            synchronized (this) {
                long wait = AutoCompactionPolicy.jittered(intervalMillis, java.util.concurrent.ThreadLocalRandom.current());
                long deadline = System.currentTimeMillis() + wait;
                for (long left = wait; !stopping && left > 0; left = deadline - System.currentTimeMillis()) {
                    try {
                        wait(left);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                if (stopping) {
                    return;
                }
                if (thread != null) {
                    continue; // an operator's run (or the last automatic one) is still going
                }
            }
            try {
                Set<Integer> due = policy.due(engine.usage());
                if (!due.isEmpty()) {
                    LOG.log(Level.INFO, "automatic compaction of containers {0}", due);
                    start(due);
                }
            } catch (CompactionRefusedException e) {
                LOG.log(Level.WARNING, "automatic compaction refused: {0}", e.getMessage());
            } catch (RuntimeException e) {
                if (!isStopping()) {
                    LOG.log(Level.WARNING, "automatic compaction could not look at the containers", e);
                }
            }
        }
    }

    private synchronized boolean isStopping() {
        return stopping;
    }

    /** Stops a running compaction (the store is closing) and waits for its threads, bounded. */
    void stop() {
        Thread t;
        Thread a;
        synchronized (this) {
            stopping = true;
            notifyAll();
            t = thread;
            a = autoThread;
        }
        for (Thread x : new Thread[] {a, t}) {
            if (x != null && x != Thread.currentThread()) {
                try {
                    x.join(STOP_WAIT_MILLIS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private void run(List<Integer> explicit) {
        try {
            List<Integer> todo = explicit != null ? explicit : withGarbage();
            synchronized (this) {
                total = todo.size();
            }
            for (int id : todo) {
                pace();
                synchronized (this) {
                    current = id;
                }
                long t0 = System.nanoTime();
                ContainerRewrite.Result r = engine.compactContainer(id, this::pace);
                synchronized (this) {
                    done++;
                    bytesBefore += r.bytesBefore();
                    bytesAfter += r.bytesAfter();
                    kept += r.kept();
                    dropped += r.dropped();
                    corrupt += r.corrupt();
                }
                LOG.log(Level.INFO, "compacted container {0}: {1} -> {2} bytes, {3} needles kept, {4} dropped, {5} corrupt"
                        + " regions skipped, {6} ms", new Object[] {id, r.bytesBefore(), r.bytesAfter(), r.kept(),
                        r.dropped(), r.corrupt(), (System.nanoTime() - t0) / 1_000_000});
            }
            finish("done", null);
        } catch (Stopped e) {
            finish("stopped", "the needle store closed while compacting; run compact-start again");
        } catch (Exception e) {
            LOG.log(Level.SEVERE, "compaction failed", e);
            finish("failed", e.getMessage() == null ? e.toString() : e.getMessage());
        }
    }

    /** Containers with bytes the index no longer points at, most first (one pass over the index). */
    private List<Integer> withGarbage() {
        List<ContainerUsage> usage = new ArrayList<>(engine.usage());
        usage.sort(Comparator.comparingLong(ContainerUsage::reclaimableBytes).reversed());
        List<Integer> out = new ArrayList<>();
        for (ContainerUsage u : usage) {
            if (u.reclaimableBytes() > 0) {
                out.add(u.id());
            }
        }
        return out;
    }

    private synchronized void finish(String how, String why) {
        outcome = how;
        message = why;
        finishedAt = System.currentTimeMillis();
        current = -1;
        thread = null;
        suspended = false;
        notifyAll();
    }

    /** Between needles: waits while suspended, gives up when the store closes. */
    private synchronized void pace() {
        while (suspended && !stopping) {
            try {
                wait();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new Stopped();
            }
        }
        if (stopping) {
            throw new Stopped();
        }
    }

    private CompactionStatus snapshot() {
        long files = 0;
        for (long f : engine.fileBytes()) {
            files += f;
        }
        String state = thread == null ? "idle" : suspended ? "suspended" : "running";
        return new CompactionStatus(state, outcome, startedAt, finishedAt, total, done, current, bytesBefore, bytesAfter,
                kept, dropped, corrupt, message, files);
    }

    /** The store closes: the rewrite in progress is abandoned (its partial file deleted). */
    private static final class Stopped extends RuntimeException {
        Stopped() {
            super("compaction stopped", null, false, false);
        }
    }
}
