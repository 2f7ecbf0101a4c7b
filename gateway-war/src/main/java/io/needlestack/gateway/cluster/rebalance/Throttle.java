package io.needlestack.gateway.cluster.rebalance;

import java.util.function.LongSupplier;

/**
 * Paces the rebalance: at most {@code opsPerSecond} remote calls and {@code bytesPerSecond} copied
 * bytes, averaged over time, with a burst of at most {@link #BURST_NANOS} of credit (a mover that
 * idled does not then flood the network). A rate of 0 means unlimited.
 */
final class Throttle {

    /** Credit an idle mover may accumulate. */
    static final long BURST_NANOS = 100_000_000L;

    /** How the throttle waits; the tests advance a clock instead of sleeping. */
    interface Sleeper {
        void sleepNanos(long nanos) throws InterruptedException;
    }

    private final double opsPerSecond;
    private final double bytesPerSecond;
    private final LongSupplier clock;
    private final Sleeper sleeper;
    private long opsFreeAt;
    private long bytesFreeAt;

    Throttle(double opsPerSecond, double bytesPerSecond, LongSupplier clock, Sleeper sleeper) {
        this.opsPerSecond = opsPerSecond;
        this.bytesPerSecond = bytesPerSecond;
        this.clock = clock;
        this.sleeper = sleeper;
        long now = clock.getAsLong();
        this.opsFreeAt = now;
        this.bytesFreeAt = now;
    }

    /** A throttle on the system clock. */
    static Throttle of(double opsPerSecond, double bytesPerSecond) {
        return new Throttle(opsPerSecond, bytesPerSecond, System::nanoTime, nanos -> {
            if (nanos > 0) {
                Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
            }
        });
    }

    /** Waits until {@code ops} more calls and {@code bytes} more bytes fit within the rates. */
    synchronized void acquire(int ops, long bytes) throws InterruptedException {
        long now = clock.getAsLong();
        long waitUntil = now;
        if (opsPerSecond > 0 && ops > 0) {
            opsFreeAt = Math.max(opsFreeAt, now - BURST_NANOS) + (long) (ops * 1e9 / opsPerSecond);
            waitUntil = Math.max(waitUntil, opsFreeAt - BURST_NANOS);
        }
        if (bytesPerSecond > 0 && bytes > 0) {
            bytesFreeAt = Math.max(bytesFreeAt, now - BURST_NANOS) + (long) (bytes * 1e9 / bytesPerSecond);
            waitUntil = Math.max(waitUntil, bytesFreeAt - BURST_NANOS);
        }
        if (waitUntil > now) {
            sleeper.sleepNanos(waitUntil - now);
        }
    }
}
