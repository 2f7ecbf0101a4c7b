package io.needlestack.gateway.object.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** When a cache stops taking every candidate, and when it starts again. */
class FillThrottleTest {

    /** Runs one window: {@code used} of its fills are read again. */
    private static void window(FillThrottle t, int used) {
        int fills = 0;
        int candidates = 0;
        while (fills < FillThrottle.WINDOW) {
            candidates++;
            if (t.mayFill()) {
                if (fills < used) {
                    t.used();
                }
                fills++;
                t.filled();
            }
            assertTrue(candidates <= 4 * FillThrottle.WINDOW * FillThrottle.SAMPLE, "a throttled window still ends");
        }
    }

    /** How many of {@code n} candidates may fill now (each fill counted, none used). */
    private static int allowedOf(FillThrottle t, int n) {
        int allowed = 0;
        for (int i = 0; i < n; i++) {
            if (t.mayFill()) {
                allowed++;
            }
        }
        return allowed;
    }

    @Test
    void aFreshCacheTakesEveryCandidate() {
        FillThrottle t = new FillThrottle(50, null);
        assertFalse(t.throttled());
        assertEquals(1000, allowedOf(t, 1000));
        assertEquals(0, t.skipped());
    }

    @Test
    void fillsSeldomUsedThrottleToOneInSampleAndUsedOnesLiftIt() {
        FillThrottle t = new FillThrottle(50, null);
        window(t, FillThrottle.WINDOW / 2 - 1);
        assertTrue(t.throttled(), "fewer than half of the window's fills were used");
        // Sampled at random, one in SAMPLE: 1,024 expected of 16,384, standard deviation 31.
        int n = 16 * FillThrottle.WINDOW;
        int allowed = allowedOf(t, n);
        assertTrue(allowed > 768 && allowed < 1280, allowed + " of " + n);
        assertEquals(n - allowed, t.skipped());

        window(t, FillThrottle.WINDOW / 2);
        assertFalse(t.throttled(), "half of the sampled fills were used: the cache fills freely again");
        assertEquals(100, allowedOf(t, 100));
    }

    @Test
    void aWindowDecidesOnlyAtItsEnd() {
        FillThrottle t = new FillThrottle(10, null);
        for (int i = 0; i < FillThrottle.WINDOW - 1; i++) {
            t.filled();
        }
        assertFalse(t.throttled(), "no window has ended yet");
        t.filled();
        assertTrue(t.throttled(), "a whole window with no use");
    }

    @Test
    void aCacheThatEvictedNothingInTheWindowIsNeverThrottled() {
        AtomicLong evictions = new AtomicLong();
        FillThrottle t = new FillThrottle(50, evictions::get);
        window(t, 0);
        assertFalse(t.throttled(), "not full: filling costs no other entry");
        evictions.addAndGet(5);
        window(t, 0);
        assertTrue(t.throttled(), "full and its fills unused");
        window(t, 0);
        assertFalse(t.throttled(), "no eviction in the last window: it has room again");
    }

    @Test
    void theShareRequiredIsChecked() {
        assertThrows(IllegalArgumentException.class, () -> new FillThrottle(-1, null));
        assertThrows(IllegalArgumentException.class, () -> new FillThrottle(101, null));
        FillThrottle never = new FillThrottle(0, null);
        window(never, 0);
        assertFalse(never.throttled(), "0 % required: never throttled");
    }
}
