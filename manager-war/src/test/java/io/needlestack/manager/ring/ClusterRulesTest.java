package io.needlestack.manager.ring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.needlestack.core.node.NodeRecord;
import io.needlestack.core.ring.Ring;
import io.needlestack.core.ring.RingNode;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ClusterRulesTest {

    private static final Instant T0 = Instant.parse("2026-11-22T00:00:00Z");
    private static final Instant NOW = T0.plusSeconds(60);

    private static NodeRecord record(String id, String... roles) {
        return new NodeRecord(id, id, List.of(roles), "http://" + id, "http://" + id + ":2", "", T0, NOW, false, 0, 0);
    }

    private static NodeDecision attached(String id) {
        return NodeDecision.none(id).withMembership(NodeDecision.Membership.ATTACHED).accepting(T0.toEpochMilli());
    }

    private static String code(Runnable r) {
        return assertThrows(ClusterException.class, r::run).code();
    }

    @Test
    void attachNeedsARunningRegisteredStorageNodeNotYetAttached() {
        assertEquals("NoSuchNode", code(() -> ClusterRules.checkAttach("x", null, NodeDecision.none("x"), null, NOW)));
        assertEquals("NotAStorageNode", code(() -> ClusterRules.checkAttach("g", record("g", "gateway"),
                NodeDecision.none("g"), null, NOW)));
        NodeRecord down = record("d", "storage");
        assertEquals("NodeNotRunning", code(() -> ClusterRules.checkAttach("d", down, NodeDecision.none("d"), null,
                NOW.plusSeconds(30))));
        assertEquals("NodeNotRunning", code(() -> ClusterRules.checkAttach("d", down.stopped(NOW),
                NodeDecision.none("d"), null, NOW)));
        assertEquals("NodeAlreadyAttached", code(() -> ClusterRules.checkAttach("a", record("a", "storage"),
                attached("a"), null, NOW)));
        ClusterRules.checkAttach("a", record("a", "storage"), NodeDecision.none("a"), null, NOW);
    }

    @Test
    void detachIsRefusedBelowNAndForNodesNotAttached() {
        assertEquals("NoSuchNode", code(() -> ClusterRules.checkDetach("x", false, NodeDecision.none("x"), Set.of(), 1)));
        assertEquals("NodeNotAttached", code(() -> ClusterRules.checkDetach("a", true, NodeDecision.none("a"),
                Set.of("b", "c"), 1)));
        ClusterException e = assertThrows(ClusterException.class,
                () -> ClusterRules.checkDetach("a", true, attached("a"), Set.of("a", "b"), 2));
        assertEquals("TooFewNodes", e.code());
        assertEquals(409, e.status());
        ClusterRules.checkDetach("a", true, attached("a"), Set.of("a", "b", "c"), 2);
    }

    @Test
    void suspendAndResumeFollowTheState() {
        Ring ring = ClusterRules.nextRing(null, 1, List.of("a"), Map.of("a", record("a", "storage")));
        assertEquals("NodeNotAttached", code(() -> ClusterRules.checkSuspend("b", true, NodeDecision.none("b"), ring)));
        ClusterRules.checkSuspend("a", true, attached("a"), ring);
        assertEquals("NodeAlreadySuspended", code(() -> ClusterRules.checkSuspend("a", true,
                attached("a").withSuspended(true), ring)));
        assertEquals("NodeNotSuspended", code(() -> ClusterRules.checkResume("a", true, NodeState.RUNNING)));
        ClusterRules.checkResume("a", true, NodeState.SUSPENDED);
        ClusterRules.checkResume("a", true, NodeState.RESTARTED);
        assertEquals("NoSuchNode", code(() -> ClusterRules.checkResume("z", false, NodeState.DETACHED)));
    }

    @Test
    void statesCombineDecisionsRingAndLiveness() {
        NodeRecord a = record("a", "storage");
        Ring ring = ClusterRules.nextRing(null, 1, List.of("a"), Map.of("a", a));
        assertEquals(NodeState.RUNNING, ClusterRules.state(a, attached("a"), ring, NOW));
        assertEquals(NodeState.SUSPENDED, ClusterRules.state(a, attached("a").withSuspended(true), ring, NOW));
        assertEquals(NodeState.STOPPED, ClusterRules.state(a, attached("a"), ring, NOW.plusSeconds(30)));
        assertEquals(NodeState.STOPPED, ClusterRules.state(null, attached("a"), ring, NOW));
        assertEquals(NodeState.RESTARTED, ClusterRules.state(a, attached("a").accepting(1), ring, NOW));
        assertEquals(NodeState.DETACHED, ClusterRules.state(a, NodeDecision.none("a"), ring, NOW), "leaving");
        NodeRecord b = record("b", "storage");
        assertEquals(NodeState.ATTACHED, ClusterRules.state(b, attached("b"), ring, NOW));
        assertEquals(NodeState.DETACHED, ClusterRules.state(b, NodeDecision.none("b"), ring, NOW));
    }

    @Test
    void nextRingHoldsExactlyTheAttachedNodes() {
        Map<String, NodeRecord> records = Map.of("a", record("a", "storage"), "b", record("b", "storage"),
                "c", record("c", "storage"));
        assertEquals("TooFewNodes", code(() -> ClusterRules.nextRing(null, 2, List.of("a"), records)));
        Ring v1 = ClusterRules.nextRing(null, 2, List.of("a", "b"), records);
        assertEquals(1, v1.version());
        assertEquals(List.of("a", "b"), v1.members().stream().map(RingNode::id).toList());
        assertEquals("http://a:2", v1.member("a").orElseThrow().endpoint());
        assertEquals("NothingToRebalance", code(() -> ClusterRules.nextRing(v1, 2, List.of("b", "a"), records)));
        Ring v2 = ClusterRules.nextRing(v1, 2, List.of("a", "b", "c"), records);
        assertEquals(2, v2.version());
        Ring v3 = ClusterRules.nextRing(v2, 2, List.of("b", "c"), records);
        assertEquals(List.of("b", "c"), v3.members().stream().map(RingNode::id).toList());
        assertEquals("TooFewNodes", code(() -> ClusterRules.nextRing(v3, 2, List.of("c"), records)));
    }
}
