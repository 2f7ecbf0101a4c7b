package io.needlestack.manager.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.needlestack.core.node.NodeRecord;
import io.needlestack.manager.recovery.NodePlane;
import io.needlestack.manager.ring.ClusterException;
import io.needlestack.manager.ring.ClusterManager;
import io.needlestack.manager.ring.NodeState;

/**
 * The admin API's side of {@code scrub-start} and {@code scrub-status}: the {@code rate} check, the
 * refusals before a node is asked, and the request the node's internal plane gets.
 */
class ScrubResourceTest {

    @Test
    void rateIsAWholeNumberOfBytesPerSecondUpToATerabyte() {
        assertEquals("start", ScrubResource.startRequest(null));
        assertEquals("start?rate=1", ScrubResource.startRequest("1"));
        assertEquals("start?rate=16777216", ScrubResource.startRequest("16777216"));
        assertEquals("start?rate=1000000000000", ScrubResource.startRequest("1000000000000"));
        // Sent to the node as a plain number.
        assertEquals("start?rate=42", ScrubResource.startRequest("0042"));
        assertEquals(ScrubResource.MAX_RATE, ScrubResource.rate("1000000000000"));
    }

    @Test
    void anyOtherRateIsAnInvalidArgument() {
        for (String bad : new String[] {"", "0", "000", "-1", "+5", "1.5", "1e6", "16M", " 5", "5 ", "1000000000001",
                "9999999999999", "99999999999999999999", "5&x=1", "٥"}) {
            ClusterException e = assertThrows(ClusterException.class, () -> ScrubResource.startRequest(bad), bad);
            assertEquals("InvalidArgument", e.code(), bad);
            assertEquals(400, e.status(), bad);
            assertTrue(e.getMessage().contains("rate"), e.getMessage());
        }
    }

    @Test
    void unknownNodeIsNoSuchNodeAndNoNodeIsAsked() {
        Fixture f = new Fixture();
        ClusterException e = assertThrows(ClusterException.class, () -> f.resource.status("nope"));
        assertEquals("NoSuchNode", e.code());
        assertEquals(404, e.status());
        assertEquals(List.of(), f.plane.sent);
    }

    @Test
    void aNodeThatIsDownOrWithoutStorageIsRefused() {
        Fixture f = new Fixture();
        f.node("id-down", "n2", List.of("storage", "gateway"), Instant.now().minusSeconds(60), NodeState.STOPPED);
        f.node("id-gw", "g1", List.of("gateway"), Instant.now(), NodeState.DETACHED);
        ClusterException down = assertThrows(ClusterException.class, () -> f.resource.start("n2", null));
        assertEquals("NodeNotRunning", down.code());
        assertEquals(409, down.status());
        ClusterException gw = assertThrows(ClusterException.class, () -> f.resource.status("g1"));
        assertEquals("NotAStorageNode", gw.code());
        assertEquals(409, gw.status());
        assertEquals(List.of(), f.plane.sent);
    }

    @Test
    void aBadRateIsRefusedBeforeTheNodeIsLookedUp() {
        Fixture f = new Fixture();
        ClusterException e = assertThrows(ClusterException.class, () -> f.resource.start("nope", "0"));
        assertEquals("InvalidArgument", e.code());
    }

    @Test
    void startAndStatusGoToTheNodesInternalScrubPlane() {
        Fixture f = new Fixture();
        f.node("id-1", "n1", List.of("storage"), Instant.now(), NodeState.RUNNING);
        // The fake plane answers NodeUnreachable after recording the request (a Response needs a
        // JAX-RS runtime, which unit tests do not have); the refusal is passed on as it is.
        ClusterException e = assertThrows(ClusterException.class, () -> f.resource.start("n1", "8000000"));
        assertEquals("NodeUnreachable", e.code());
        assertEquals(503, e.status());
        assertThrows(ClusterException.class, () -> f.resource.start("id-1", null));
        assertThrows(ClusterException.class, () -> f.resource.status("n1"));
        assertEquals(List.of("POST http://10.0.0.1:9001 scrub/start?rate=8000000",
                "POST http://10.0.0.1:9001 scrub/start", "GET http://10.0.0.1:9001 scrub/status"), f.plane.sent);
    }

    /** A resource over a manager with the given nodes and a node plane that records what it sends. */
    private static final class Fixture {
        final Map<String, ClusterManager.NodeView> nodes = new LinkedHashMap<>();
        final RecordingPlane plane = new RecordingPlane();
        final ScrubResource resource = new ScrubResource();

        Fixture() {
            resource.manager = new ClusterManager() {
                @Override
                public View view() {
                    return new View(null, null, nodes, List.of());
                }
            };
            resource.plane = plane;
        }

        void node(String id, String name, List<String> roles, Instant heartbeat, NodeState state) {
            NodeRecord r = new NodeRecord(id, name, roles, "http://10.0.0.1:9000", "http://10.0.0.1:9001", "",
                    heartbeat.minusSeconds(600), heartbeat, false, 0, 0);
            nodes.put(id, new ClusterManager.NodeView(id, r, state, false, false));
        }
    }

    private static final class RecordingPlane extends NodePlane {
        final List<String> sent = new ArrayList<>();

        @Override
        public Answer send(String internalEndpoint, String method, String pathAndQuery, Duration timeout) {
            sent.add(method + " " + internalEndpoint + " " + pathAndQuery);
            throw new ClusterException("NodeUnreachable", 503, "node at " + internalEndpoint + " cannot be reached");
        }
    }
}
