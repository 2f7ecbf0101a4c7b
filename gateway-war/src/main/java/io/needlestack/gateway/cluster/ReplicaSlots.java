package io.needlestack.gateway.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * How many replica calls this gateway may have in flight to each node at once.
 *
 * <p>A write is answered once W replicas acknowledged it, and the calls to the slower replicas go on
 * in the background. Without a bound, a node that is slower than the others (a busier machine, a
 * GC pause, a stalled disk) would collect an ever longer tail of such calls: the gateway's executor
 * runs out of threads and every further request fails. With a bound, a request that finds a node's
 * slots taken waits for one for a short while (back-pressure to the client, at the pace of the
 * slowest node); should none free up, that replica's write is counted as failed and goes to the
 * durable repair queue, as for a node that is down. A node that kept a caller waiting in vain is
 * not waited for again for a second, so a hung node costs one wait per second, not one per request.
 */
public final class ReplicaSlots {

    /** After a wait in vain, how long requests stop waiting for that node's slots. */
    private static final long STARVED_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final int perNode;
    private final long waitNanos;
    private final ConcurrentHashMap<String, Slot> slots = new ConcurrentHashMap<>();
    private final LongAdder shed = new LongAdder();

    private static final class Slot {
        final Semaphore permits;
        volatile long waitAgainAfter = System.nanoTime();

        Slot(int permits) {
            this.permits = new Semaphore(permits);
        }
    }

    /**
     * @param perNode calls in flight to one node at most
     * @param wait    how long a request waits for a slot before the replica counts as failed
     */
    public ReplicaSlots(int perNode, Duration wait) {
        if (perNode < 1) {
            throw new IllegalArgumentException("at least one call per node: " + perNode);
        }
        this.perNode = perNode;
        this.waitNanos = wait.toNanos();
    }

    /** No bound (for tests that are not about it). */
    public static ReplicaSlots unbounded() {
        return new ReplicaSlots(Integer.MAX_VALUE, Duration.ZERO);
    }

    /**
     * Takes a slot for each of {@code nodes} and hands the node to {@code send}, which must
     * {@link #release} it when its call ends: first every node with a slot free now, then the busy
     * ones, each after its wait (see {@link #acquire}), so a wait for a busy node delays no call to
     * the others. A node whose slots stayed taken goes to {@code refused} instead.
     */
    public <T> void acquireEach(List<T> nodes, Function<T, String> id, Consumer<T> send, Consumer<T> refused) {
        List<T> busy = new ArrayList<>();
        for (T node : nodes) {
            if (slot(id.apply(node)).permits.tryAcquire()) {
                send.accept(node);
            } else {
                busy.add(node);
            }
        }
        for (T node : busy) {
            if (acquire(id.apply(node))) {
                send.accept(node);
            } else {
                refused.accept(node);
            }
        }
    }

    /**
     * Takes a slot for a call to {@code node}; each {@code true} must be matched by one
     * {@link #release}.
     *
     * @return false when the node's slots stayed taken: the caller treats the replica as failed
     */
    public boolean acquire(String node) {
        Slot slot = slot(node);
        if (slot.permits.tryAcquire()) {
            return true;
        }
        if (System.nanoTime() - slot.waitAgainAfter >= 0 && waitNanos > 0) {
            try {
                if (slot.permits.tryAcquire(waitNanos, TimeUnit.NANOSECONDS)) {
                    return true;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
            slot.waitAgainAfter = System.nanoTime() + STARVED_NANOS;
        }
        shed.increment();
        return false;
    }

    private Slot slot(String node) {
        return slots.computeIfAbsent(node, n -> new Slot(perNode));
    }

    /** Gives back a slot {@link #acquire} or {@link #acquireEach} took. */
    public void release(String node) {
        Slot slot = slots.get(node);
        if (slot != null) {
            slot.permits.release();
        }
    }

    /** Calls in flight to {@code node} now. */
    public int inFlight(String node) {
        Slot slot = slots.get(node);
        return slot == null ? 0 : perNode - slot.permits.availablePermits();
    }

    /** Replica calls not made because the node's slots stayed taken, since start. */
    public long shed() {
        return shed.sum();
    }
}
