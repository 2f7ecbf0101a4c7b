package io.needlestack.manager.ring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.needlestack.core.ring.RebalanceProgress;
import io.needlestack.core.ring.Ring;
import io.needlestack.core.ring.RingNode;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RebalanceTrackerTest {

    private static final Instant T0 = Instant.parse("2026-11-22T04:00:00Z");

    private static Ring ring(long version, String... ids) {
        return new Ring(version, 3, 8, Arrays.stream(ids).map(id -> RingNode.of(id, "http://" + id)).toList());
    }

    private static String report(String id, long version, boolean done, int seconds) {
        return new RebalanceProgress(id, version, 10, 3, 300, 3, 0, 0, 2, done, T0, T0.plusSeconds(seconds)).toJson();
    }

    @Test
    void inProgressUntilEveryMemberOfBothRingsIsDone() {
        Ring v1 = ring(1, "a", "b", "c");
        Ring v2 = ring(2, "a", "b", "c", "d");
        RebalanceTracker.Status s = RebalanceTracker.status(v2, v1, Map.of(
                "a", report("a", 2, true, 3), "b", report("b", 2, false, 4), "d", report("d", 2, true, 1),
                "c", report("c", 1, true, 9)));
        assertTrue(s.inProgress());
        assertFalse(s.done());
        assertEquals(1, s.fromVersion());
        assertEquals(2, s.toVersion());
        // c's report is for another ring version: it counts as not started.
        assertEquals(List.of("b", "c"), s.waitingFor());
        assertEquals(3, s.nodes().size());
    }

    @Test
    void doneWhenAllReportDoneAndTheTimeSpansFirstStartToLastReport() {
        Ring v2 = ring(2, "a", "b", "c", "d");
        Ring v3 = ring(3, "a", "b", "c");
        RebalanceTracker.Status s = RebalanceTracker.status(v3, v2, Map.of(
                "a", report("a", 3, true, 3), "b", report("b", 3, true, 4), "c", report("c", 3, true, 2),
                "d", report("d", 3, true, 7)));
        assertTrue(s.inProgress(), "the previous ring is still published until the manager withdraws it");
        assertTrue(s.done());
        assertTrue(s.waitingFor().isEmpty());
        assertEquals(7.0, s.seconds(), 1e-9);
    }

    @Test
    void withoutAPreviousRingNothingIsInProgress() {
        RebalanceTracker.Status s = RebalanceTracker.status(ring(1, "a"), null, Map.of());
        assertFalse(s.inProgress());
        assertFalse(s.done());
        assertTrue(s.waitingFor().isEmpty());
    }
}
