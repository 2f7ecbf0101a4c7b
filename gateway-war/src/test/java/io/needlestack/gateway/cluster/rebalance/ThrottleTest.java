package io.needlestack.gateway.cluster.rebalance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ThrottleTest {

    private final AtomicLong clock = new AtomicLong(1_000_000_000_000L);

    private Throttle throttle(double ops, double bytes) {
        return new Throttle(ops, bytes, clock::get, clock::addAndGet);
    }

    @Test
    void opsArePacedToTheRate() throws InterruptedException {
        Throttle t = throttle(50, 0);
        long start = clock.get();
        for (int i = 0; i < 100; i++) {
            t.acquire(1, 0);
        }
        double seconds = (clock.get() - start) / 1e9;
        // 100 calls at 50/s: 2 s, less the burst credit.
        assertEquals(2.0 - Throttle.BURST_NANOS / 1e9, seconds, 0.03);
    }

    @Test
    void bytesArePacedToTheRate() throws InterruptedException {
        Throttle t = throttle(0, 5_000_000);
        long start = clock.get();
        for (int i = 0; i < 10; i++) {
            t.acquire(1, 1_000_000);
        }
        double seconds = (clock.get() - start) / 1e9;
        assertEquals(2.0 - Throttle.BURST_NANOS / 1e9, seconds, 0.03);
    }

    @Test
    void idleTimeGivesOnlyABoundedBurst() throws InterruptedException {
        Throttle t = throttle(10, 0);
        clock.addAndGet(60_000_000_000L);
        long start = clock.get();
        for (int i = 0; i < 20; i++) {
            t.acquire(1, 0);
        }
        double seconds = (clock.get() - start) / 1e9;
        assertTrue(seconds >= 1.8, "a minute idle let 20 calls at 10/s through in " + seconds + " s");
    }

    @Test
    void zeroMeansUnlimited() throws InterruptedException {
        Throttle t = throttle(0, 0);
        long start = clock.get();
        for (int i = 0; i < 1000; i++) {
            t.acquire(1, 1 << 20);
        }
        assertEquals(start, clock.get());
    }
}
