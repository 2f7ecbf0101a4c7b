package io.needlestack.core.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RecoveryRecordTest {

    @Test
    void recordAndHintsSurviveTheirJson() {
        Instant t = Instant.parse("2026-11-22T04:00:00Z");
        RecoveryRecord r = new RecoveryRecord("n-1", "done", "restart", true, t, t.plusSeconds(3), 2, 40, 3, 7, 1, 0,
                "", t.plusSeconds(4));
        assertEquals(r, RecoveryRecord.fromJson(r.toJson()));
        RecoveryRecord starting = new RecoveryRecord("n-1", "starting", "restart", false, null, null, 0, 0, 0, 0, 0,
                0, "", t);
        assertNull(RecoveryRecord.fromJson(starting.toJson()).startedAt());
        String hints = RecoveryRecord.hintsJson(t, Map.of("n-2", 5L, "n-3", 0L));
        assertEquals(Map.of("n-2", 5L, "n-3", 0L), RecoveryRecord.hintTargets(hints));
        assertEquals(t, RecoveryRecord.hintsAt(hints));
    }
}
