package io.needlestack.manager.ring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.needlestack.core.ring.Ring;
import io.needlestack.core.ring.RingBuilder;
import io.needlestack.core.ring.RingNode;
import io.needlestack.core.ring.RingPublication;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The ring audit's decisions, round by round. */
class RingRepairTest {

    private final Ring stored = RingBuilder.initial(2).attach(RingNode.of("a", "http://a"))
            .attach(RingNode.of("b", "http://b")).build();
    private final String text = RingPublication.toText(stored);
    private final Ring other = new Ring(stored.version(), 2, 16, stored.members());

    @Test
    void nothingToRepairWhenPublicationAndNodesAgree() {
        RingRepair r = new RingRepair();
        assertNull(r.check(stored, text, text, Map.of()));
        assertEquals(0, r.count());
    }

    @Test
    void aWrongPublicationIsRepairedAtOnce() {
        RingRepair r = new RingRepair();
        String reason = r.check(stored, text, RingPublication.toText(other), Map.of("a", other.checksumHex()));
        assertTrue(reason.startsWith("the publication map held ring v1 " + other.checksumHex()
                + " instead of the stored ring v1 " + stored.checksumHex()), reason);
        assertTrue(r.check(stored, text, null, Map.of()).contains("held no ring"));
        r.repaired(reason, List.of("a"));
        assertEquals(1, r.count());
        assertTrue(r.json().toString().contains("\"nodes\":[\"a\"]"), r.json().toString());
    }

    @Test
    void aNodeIsRepairedOnlyWhenItStillDiffersARoundLater() {
        RingRepair r = new RingRepair();
        Map<String, String> lagging = Map.of("b", other.checksumHex());
        assertNull(r.check(stored, text, text, lagging), "a node that just took a ring reports it at its next beat");
        String reason = r.check(stored, text, text, lagging);
        assertTrue(reason.startsWith("nodes report another ring than the stored ring v1"), reason);
        r.repaired(reason, lagging.keySet());
        // After a repair the node gets two rounds again.
        assertNull(r.check(stored, text, text, lagging));
        // A node whose checksum changed between rounds is still moving: not yet.
        assertNull(r.check(stored, text, text, Map.of("b", "0000000000000000")));
    }
}
