package io.needlestack.core.ring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class RebalanceProgressTest {

    @Test
    void jsonRoundTripKeepsEveryField() {
        Instant t0 = Instant.parse("2026-11-22T04:00:00Z");
        RebalanceProgress p = new RebalanceProgress("n-1", 7, 100, 20, 12345, 18, 2, 1, 3, true, t0,
                t0.plusMillis(2500));
        RebalanceProgress back = RebalanceProgress.fromJson(p.toJson());
        assertEquals(p, back);
        assertEquals(2.5, back.seconds(), 1e-9);
    }

    @Test
    void aStartingNodeIsNotDone() {
        RebalanceProgress p = RebalanceProgress.starting("n", 3, Instant.EPOCH);
        assertFalse(p.done());
        assertEquals(0, p.scanned());
    }
}
