package io.needlestack.manager.ring;

/**
 * What the operator decided about one node, kept in {@code ns_node}.
 *
 * @param nodeId        the registry's node id
 * @param membership    {@link Membership#ATTACHED} (in the next ring) or {@link Membership#DETACHED}
 * @param suspended     true while suspended (the node stays in the ring)
 * @param acceptedStart start time (epoch millis) of the node's process the manager last accepted;
 *                      a ring member running a later process is "restarted" until resumed
 */
public record NodeDecision(String nodeId, Membership membership, boolean suspended, long acceptedStart) {

    /** Whether a node belongs in the next ring. */
    public enum Membership { ATTACHED, DETACHED }

    /** A node never decided about: detached, not suspended. */
    static NodeDecision none(String nodeId) {
        return new NodeDecision(nodeId, Membership.DETACHED, false, 0);
    }

    NodeDecision withMembership(Membership m) {
        return new NodeDecision(nodeId, m, suspended, acceptedStart);
    }

    NodeDecision withSuspended(boolean s) {
        return new NodeDecision(nodeId, membership, s, acceptedStart);
    }

    NodeDecision accepting(long start) {
        return new NodeDecision(nodeId, membership, suspended, start);
    }
}
