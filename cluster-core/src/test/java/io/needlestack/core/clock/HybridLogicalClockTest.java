package io.needlestack.core.clock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HybridLogicalClockTest {

    @Test
    void monotonicEvenWhenTheWallClockGoesBack() {
        AtomicLong wall = new AtomicLong(1_000_000);
        HybridLogicalClock clock = new HybridLogicalClock(wall::get, null);
        long a = clock.now();
        wall.set(500_000);
        long b = clock.now();
        assertTrue(b > a);
        assertEquals(1_000_000, HybridLogicalClock.millis(b));
        assertEquals(1, HybridLogicalClock.logical(b));
    }

    @Test
    void observedTimestampsOrderLaterOnes() {
        AtomicLong wall = new AtomicLong(1_000);
        HybridLogicalClock clock = new HybridLogicalClock(wall::get, null);
        long remote = (5_000L << HybridLogicalClock.LOGICAL_BITS) + 7;
        clock.observe(remote);
        assertTrue(clock.now() > remote);
    }

    @Test
    void neverGoesBackwardsAcrossARestart(@TempDir Path dir) {
        Path file = dir.resolve("hlc");
        AtomicLong wall = new AtomicLong(2_000_000);
        long before = new HybridLogicalClock(wall::get, file).now();
        wall.set(1_000_000); // the machine's clock was set back while the node was down
        long after = new HybridLogicalClock(wall::get, file).now();
        assertTrue(after > before, "restart must not reuse timestamps");
    }
}
