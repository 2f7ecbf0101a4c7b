package io.needlestack.storage.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The newest-version cache's policy: a full cache keeps what it holds while it still answers. */
class NewestCachePolicyTest {

    private static final int CAPACITY = 100;

    /** Runs one window of lookups, {@code hitsPerTen} in ten answered; returns how often it said clear. */
    private static int window(NewestCachePolicy p, int hitsPerTen, int size) {
        int clears = 0;
        for (int i = 0; i < NewestCachePolicy.WINDOW; i++) {
            clears += p.lookedUp(i % 10 < hitsPerTen, () -> size) ? 1 : 0;
        }
        return clears;
    }

    @Test
    void aFullCacheTakesNoNewEntry() {
        NewestCachePolicy p = new NewestCachePolicy(CAPACITY);
        assertTrue(p.admits(0));
        assertTrue(p.admits(CAPACITY - 1));
        assertFalse(p.admits(CAPACITY));
    }

    @Test
    void aFullCacheThatStillAnswersIsKept() {
        NewestCachePolicy p = new NewestCachePolicy(CAPACITY);
        for (int w = 0; w < 3; w++) {
            assertEquals(0, window(p, 2, CAPACITY));
        }
    }

    @Test
    void aFullCacheThatWentColdIsClearedOncePerWindow() {
        NewestCachePolicy p = new NewestCachePolicy(CAPACITY);
        assertEquals(0, window(p, 3, CAPACITY));
        assertEquals(1, window(p, 0, CAPACITY));
        assertEquals(1, window(p, 0, CAPACITY));
        // The hits of an earlier window do not count in a later one.
        assertEquals(0, window(p, 5, CAPACITY));
    }

    @Test
    void aCacheWithRoomIsNeverCleared() {
        NewestCachePolicy p = new NewestCachePolicy(CAPACITY);
        assertEquals(0, window(p, 0, CAPACITY - 1));
    }
}
