package io.needlestack.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.needlestack.core.internal.ReplayMemory.Outcome;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ReplayMemoryTest {

    private static final long NOW = 1_700_000_000_123L;

    @Test
    void anIdIsRefusedAgainInItsSlot() {
        ReplayMemory m = new ReplayMemory(10);
        assertEquals(Outcome.REMEMBERED, m.remember(42, NOW + 60_000, NOW));
        assertEquals(Outcome.REPLAYED, m.remember(42, NOW + 60_000, NOW + 5));
        // A replay repeats the signed date, so the same forget-second; nothing else shares a slot.
        assertEquals(Outcome.REPLAYED, m.remember(42, NOW + 60_000 + 500, NOW + 5));
        assertEquals(1, m.size());
    }

    @Test
    void zeroIsAnIdLikeAnyOther() {
        ReplayMemory m = new ReplayMemory(10);
        assertEquals(Outcome.REMEMBERED, m.remember(0, NOW + 1000, NOW));
        assertEquals(Outcome.REPLAYED, m.remember(0, NOW + 1000, NOW));
        assertEquals(Outcome.REMEMBERED, m.remember(1, NOW + 1000, NOW));
    }

    @Test
    void fullMemoryRefusesUntilSlotsEnd() {
        ReplayMemory m = new ReplayMemory(3);
        for (int i = 0; i < 3; i++) {
            assertEquals(Outcome.REMEMBERED, m.remember(i + 1, NOW + 1000 * i, NOW));
        }
        assertEquals(Outcome.FULL, m.remember(99, NOW + 5000, NOW));
        // A replay is still named a replay when full.
        assertEquals(Outcome.REPLAYED, m.remember(1, NOW, NOW));
        // The first slot (forget-time NOW) ends at the end of NOW's second.
        long firstSlotEnd = (NOW / 1000) * 1000 + 999;
        assertEquals(Outcome.FULL, m.remember(99, NOW + 5000, firstSlotEnd));
        assertEquals(Outcome.REMEMBERED, m.remember(99, NOW + 5000, firstSlotEnd + 1));
        assertEquals(3, m.size());
        assertEquals(3, m.slots());
        // Everything ends: the counts go back to zero.
        assertEquals(Outcome.REMEMBERED, m.remember(7, NOW + 100_000, NOW + 99_000));
        assertEquals(1, m.size());
        assertEquals(1, m.slots());
    }

    @Test
    void aSlotHoldsManyIdsWithoutLosingOrInventingAny() {
        ReplayMemory m = new ReplayMemory(200_000);
        SplittableRandom random = new SplittableRandom(7);
        Set<Long> ids = new HashSet<>();
        while (ids.size() < 100_000) {
            long id = random.nextLong();
            if (ids.add(id)) {
                assertEquals(Outcome.REMEMBERED, m.remember(id, NOW + 60_000, NOW));
            }
        }
        assertEquals(100_000, m.size());
        for (long id : ids) {
            assertEquals(Outcome.REPLAYED, m.remember(id, NOW + 60_000, NOW), Long.toString(id));
        }
        int fresh = 0;
        while (fresh < 10_000) {
            long id = random.nextLong();
            if (!ids.contains(id)) {
                assertEquals(Outcome.REMEMBERED, m.remember(id, NOW + 60_000, NOW));
                fresh++;
            }
        }
        assertEquals(110_000, m.size());
    }

    @Test
    void longSetGrowsAndAnswersContains() {
        ReplayMemory.LongSet s = new ReplayMemory.LongSet();
        for (long i = -500; i < 500; i++) {
            assertTrue(s.add(i * 0x1_0000_0001L));
        }
        assertFalse(s.add(0));
        assertEquals(1000, s.size());
        for (long i = -500; i < 500; i++) {
            assertTrue(s.contains(i * 0x1_0000_0001L));
        }
        assertFalse(s.contains(500 * 0x1_0000_0001L));
    }
}
