package io.needlestack.core.ring;

import java.util.List;

/**
 * One arc between two consecutive virtual nodes and the nodes that hold it, primary first: the
 * unit of anti-entropy, compared range by range between replicas.
 *
 * @param range    the arc {@code (start, end]}
 * @param replicas the nodes holding every key of the arc, in placement order
 */
public record RingRange(TokenRange range, List<RingNode> replicas) {

    /** Copies the replica list. */
    public RingRange {
        replicas = List.copyOf(replicas);
    }

    /** True when {@code nodeId} holds this range. */
    public boolean isHeldBy(String nodeId) {
        for (RingNode n : replicas) {
            if (n.id().equals(nodeId)) {
                return true;
            }
        }
        return false;
    }
}
