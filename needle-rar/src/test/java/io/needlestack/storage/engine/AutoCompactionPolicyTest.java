package io.needlestack.storage.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.needlestack.storage.store.ContainerUsage;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AutoCompactionPolicyTest {

    private static ContainerUsage usage(int id, long file, long live, boolean compacting) {
        return new ContainerUsage(id, "/d", file, live, false, compacting);
    }

    @Test
    void takesContainersPastBothBounds() {
        AutoCompactionPolicy p = new AutoCompactionPolicy(0.5, 1000);
        List<ContainerUsage> u = List.of(
                usage(0, 10_032, 2_000, false),   // 8,000 reclaimable, 80 %: due
                usage(1, 10_032, 6_000, false),   // 4,000, 40 %: under the ratio
                usage(2, 1_532, 200, false),      // 1,300, 85 %: due
                usage(3, 932, 0, false),          // 900 bytes only: under the bytes
                usage(4, 10_032, 0, true),        // all garbage, but being compacted already
                usage(5, 32, 0, false));          // an empty container: nothing to reclaim
        assertEquals(Set.of(0, 2), p.due(u));
    }

    @Test
    void exactBoundsAreDue() {
        AutoCompactionPolicy p = new AutoCompactionPolicy(0.5, 1000);
        // 2,016 of 4,032 bytes reclaimable: exactly half.
        assertEquals(Set.of(7), p.due(List.of(usage(7, 4_032, 1_984, false))));
        assertEquals(Set.of(), p.due(List.of(usage(7, 4_032, 1_985, false))));
        // Exactly the bytes: 1,000 reclaimable of 1,532.
        assertEquals(Set.of(8), p.due(List.of(usage(8, 1_532, 500, false))));
        assertEquals(Set.of(), p.due(List.of(usage(8, 1_532, 501, false))));
    }

    @Test
    void waitsAreSpreadOverAQuarterEitherSideOfTheInterval() {
        java.util.SplittableRandom random = new java.util.SplittableRandom(7);
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        for (int i = 0; i < 10_000; i++) {
            long w = AutoCompactionPolicy.jittered(600_000, random);
            min = Math.min(min, w);
            max = Math.max(max, w);
        }
        org.junit.jupiter.api.Assertions.assertTrue(min >= 450_000 && min < 460_000, "shortest wait " + min);
        org.junit.jupiter.api.Assertions.assertTrue(max <= 750_000 && max > 740_000, "longest wait " + max);
        assertEquals(3, AutoCompactionPolicy.jittered(3, random));
    }
}
