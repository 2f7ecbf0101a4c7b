package io.needlestack.manager.recovery;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.needlestack.core.node.RecoveryRecord;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RestartedNodesTest {

    private static RecoveryRecord rec(String state, boolean recovered, Instant updated) {
        return new RecoveryRecord("n", state, "restart", recovered, null, null, 0, 0, 0, 0, 0, 0, "", updated);
    }

    @Test
    void onlyARecoveryFinishedByTheCurrentProcessReturnsTheNodeToRunning() {
        Instant start = Instant.parse("2026-11-22T04:00:00Z");
        assertTrue(RestartedNodes.recoveredSince(rec("done", true, start.plusSeconds(5)), start));
        assertTrue(RestartedNodes.recoveredSince(rec("failed", true, start.plusSeconds(5)), start),
                "a pass with errors still ran: the node is readable, the errors are shown");
        assertFalse(RestartedNodes.recoveredSince(rec("done", true, start.minusSeconds(5)), start),
                "the record of the previous process");
        assertFalse(RestartedNodes.recoveredSince(rec("waiting-for-hints", false, start.plusSeconds(5)), start));
        assertFalse(RestartedNodes.recoveredSince(rec("running", true, start.plusSeconds(5)), start),
                "an operator's pass on a node that had not recovered yet");
        assertFalse(RestartedNodes.recoveredSince(null, start));
    }
}
