package io.needlestack.gateway.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.needlestack.core.node.NodeRecord;
import io.needlestack.core.node.RecoveryRecord;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ReadGateTest {

    private static final Instant T = Instant.parse("2026-11-22T04:00:00Z");

    private static String rec(String id, boolean recovered, Instant updated) {
        return new RecoveryRecord(id, recovered ? "done" : "waiting-for-hints", "restart", recovered, null, null, 0,
                0, 0, 0, 0, 0, "", updated).toJson();
    }

    private static String node(String id, Instant started) {
        return new NodeRecord(id, id, List.of("storage"), "http://x", "http://y", "", started, started, false, 0, 0)
                .toJson();
    }

    @Test
    void aNodeIsHeldUntilItRecoveredSinceItsProcessStarted() {
        Map<String, String> recovery = Map.of(
                "fresh", rec("fresh", true, T.plusSeconds(10)),
                "recovering", rec("recovering", false, T.plusSeconds(10)),
                "restartedNotYetSpoken", rec("restartedNotYetSpoken", true, T.minusSeconds(30)),
                "unregistered", rec("unregistered", true, T));
        Map<String, String> registry = Map.of(
                "fresh", node("fresh", T),
                "recovering", node("recovering", T),
                "restartedNotYetSpoken", node("restartedNotYetSpoken", T));
        assertEquals(Set.of("recovering", "restartedNotYetSpoken"), ReadGate.heldNodes(recovery, registry));
    }

    @Test
    void withoutHazelcastNothingIsHeld() {
        assertEquals(false, new ReadGate().isHeld("n1", List.of("n1", "n2")));
    }
}
