package io.needlestack.gateway.object;

import java.io.IOException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.LongSupplier;

/**
 * Lets only as many body copies run at once as the node has processors for, in arrival order,
 * so each finishes in one stretch instead of all of them sharing the cores in scheduler slices.
 *
 * <p>Why: a response thread per GET means that under eight readers of 1 MiB objects, eight
 * threads (and the clients' own) are runnable on two cores, each with a few hundred microseconds
 * of copying from the page cache to a socket. The scheduler preempts copies mid-way and a
 * preempted one waits out the others' slices: measured on one node with wrk (8 connections,
 * presigned 1 MiB GET), p50 2.5 ms and p99 26 ms, where nginx, two worker processes, had p99
 * 2.8 ms. Two threads serving everything gave p99 7.7 ms, but a thread pool that small would
 * starve the requests that wait for an fsync or a replica. This gate bounds only the copying,
 * where the cores are the limit, and leaves the threads alone.
 *
 * <p>A permit is a <em>lease</em>: a copy that holds one longer than its lease is taken to be
 * stalled (a client that stopped reading and filled its socket, a disk read that blocked) rather
 * than using a core, and the next copy that has waited a whole lease takes the permit over. The
 * stalled copy goes on without it and gives nothing back when it ends. So a stalled copy costs
 * the copies behind it one lease at most and never holds the gate shut; the copies running at
 * once exceed the permits only by copies that are stalled. A copy that waited a lease and found
 * no lease to take over (the permits were all turning over, just busy) runs without a permit:
 * the gate adds at most one lease to a copy's wait.
 */
final class CopyGate {

    /** One holding of a permit; compared by identity. */
    static final class Lease {
        final long since;

        Lease(long since) {
            this.since = since;
        }
    }

    /** What {@link #enter} returns to a copy that got no permit. */
    private static final Lease NONE = new Lease(0);

    /** A gate that lets every copy through at once and counts nothing. */
    static final CopyGate OPEN = new CopyGate();

    /** A copy under the gate. */
    @FunctionalInterface
    interface Copy {
        /** Copies. */
        void run() throws IOException;
    }

    private final Semaphore permits;
    private final AtomicReferenceArray<Lease> held;
    private final long leaseNanos;
    private final LongSupplier nanoClock;
    private final AtomicLong takeovers = new AtomicLong();
    private final AtomicLong ungated = new AtomicLong();

    /**
     * @param permits    copies at once (at least 1)
     * @param leaseNanos how long a copy may hold its permit before a waiting copy may take it
     * @param nanoClock  {@link System#nanoTime} outside tests
     */
    CopyGate(int permits, long leaseNanos, LongSupplier nanoClock) {
        if (permits < 1 || leaseNanos <= 0) {
            throw new IllegalArgumentException("a copy gate needs at least one permit and a lease, not "
                    + permits + " and " + leaseNanos + " ns");
        }
        this.permits = new Semaphore(permits, true);
        this.held = new AtomicReferenceArray<>(permits);
        this.leaseNanos = leaseNanos;
        this.nanoClock = nanoClock;
    }

    private CopyGate() {
        this.permits = null;
        this.held = null;
        this.leaseNanos = 0;
        this.nanoClock = null;
    }

    /** Runs {@code copy} under a permit (or without one, as the class comment says). */
    void run(Copy copy) throws IOException {
        Lease lease = enter();
        try {
            copy.run();
        } finally {
            exit(lease);
        }
    }

    /** Waits for a permit; see the class comment. Pair with {@link #exit}. */
    Lease enter() {
        if (this == OPEN) {
            return NONE;
        }
        boolean got;
        try {
            got = permits.tryAcquire(leaseNanos, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            ungated.incrementAndGet();
            return NONE;
        }
        Lease mine = new Lease(nanoClock.getAsLong());
        if (got) {
            // Every lease in a slot stands for a permit taken, so a copy that has just taken one
            // always finds an empty slot, even when others are looking at the same time.
            for (int i = 0; ; i = (i + 1) % held.length()) {
                if (held.get(i) == null && held.compareAndSet(i, null, mine)) {
                    return mine;
                }
            }
        }
        for (int i = 0; i < held.length(); i++) {
            Lease l = held.get(i);
            if (l != null && mine.since - l.since > leaseNanos && held.compareAndSet(i, l, mine)) {
                takeovers.incrementAndGet();
                return mine;
            }
        }
        ungated.incrementAndGet();
        return NONE;
    }

    /** Gives back the permit of a lease from {@link #enter}, unless another copy took it over. */
    void exit(Lease lease) {
        if (lease == NONE) {
            return;
        }
        for (int i = 0; i < held.length(); i++) {
            if (held.get(i) == lease) {
                if (held.compareAndSet(i, lease, null)) {
                    permits.release();
                }
                return;
            }
        }
    }

    /** Permits free now ({@link Integer#MAX_VALUE} for {@link #OPEN}). */
    int available() {
        return this == OPEN ? Integer.MAX_VALUE : permits.availablePermits();
    }

    /** Leases taken over from copies that held them too long, since start. */
    long takeovers() {
        return takeovers.get();
    }

    /** Copies that ran without a permit after waiting a lease, since start. */
    long ungated() {
        return ungated.get();
    }
}
