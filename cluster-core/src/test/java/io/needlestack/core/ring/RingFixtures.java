package io.needlestack.core.ring;

import java.util.ArrayList;
import java.util.List;

/** Node lists shared by the ring tests. */
final class RingFixtures {

    private RingFixtures() {
    }

    static List<RingNode> nodes(int count) {
        List<RingNode> out = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            out.add(RingNode.of("n" + i, "http://10.0.0." + i + ":9081"));
        }
        return out;
    }

    static List<RingNode> racked(int count, int racks) {
        List<RingNode> out = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            out.add(new RingNode("n" + i, "http://10.0.0." + i + ":9081", "rack" + (i % racks), 1.0));
        }
        return out;
    }

    static List<String> ids(List<RingNode> nodes) {
        return nodes.stream().map(RingNode::id).toList();
    }
}
