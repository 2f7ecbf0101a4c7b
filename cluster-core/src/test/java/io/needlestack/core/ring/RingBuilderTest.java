package io.needlestack.core.ring;

import static io.needlestack.core.ring.RingFixtures.nodes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RingBuilderTest {

    @Test
    void attachAndDetachMakeTheNextVersion() {
        RingBuilder first = RingBuilder.initial(3);
        nodes(3).forEach(first::attach);
        Ring v1 = first.build();
        assertEquals(1, v1.version());
        assertEquals(3, v1.replicaCount());
        assertEquals(Ring.DEFAULT_VNODES, v1.vnodesPerNode());

        Ring v2 = RingBuilder.from(v1).attach(RingNode.of("n4", "http://10.0.0.4:9081")).build();
        assertEquals(2, v2.version());
        assertTrue(v2.contains("n4"));
        assertEquals(4, v2.members().size());

        Ring v3 = RingBuilder.from(v2).detach("n2").build();
        assertEquals(3, v3.version());
        assertFalse(v3.contains("n2"));
        assertEquals(new Ring(3, 3, Ring.DEFAULT_VNODES, v3.members()), v3);
        assertEquals(1, v1.version(), "rings are immutable");
    }

    @Test
    void refusesIllegalChanges() {
        Ring v1 = new Ring(1, 3, Ring.DEFAULT_VNODES, nodes(3));
        RingChangeException twice = assertThrows(RingChangeException.class,
                () -> RingBuilder.from(v1).attach(RingNode.of("n1", "x")));
        assertTrue(twice.getMessage().contains("already attached"));
        assertThrows(RingChangeException.class, () -> RingBuilder.from(v1).detach("n9"));
        RingChangeException belowN = assertThrows(RingChangeException.class, () -> RingBuilder.from(v1).detach("n1"));
        assertTrue(belowN.getMessage().contains("N=3"), belowN.getMessage());
        assertThrows(RingChangeException.class, () -> RingBuilder.from(v1).build(), "no change, no new version");
        assertThrows(RingChangeException.class, () -> RingBuilder.initial(1).build());
        assertThrows(RingChangeException.class, () -> RingBuilder.from(v1).update(RingNode.of("n9", "x")));
    }

    @Test
    void updatingAnEndpointKeepsPlacement() {
        Ring v1 = new Ring(1, 3, Ring.DEFAULT_VNODES, nodes(4));
        RingBuilder same = RingBuilder.from(v1).update(v1.member("n1").orElseThrow());
        assertFalse(same.hasChanges());
        Ring v2 = RingBuilder.from(v1).update(RingNode.of("n1", "http://new-host:9081")).build();
        assertEquals("http://new-host:9081", v2.member("n1").orElseThrow().endpoint());
        assertTrue(RebalancePlan.between(v1, v2).isEmpty(), "an endpoint change moves nothing");
        assertTrue(v1.checksum() != v2.checksum());
    }
}
