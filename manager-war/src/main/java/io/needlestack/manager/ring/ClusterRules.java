package io.needlestack.manager.ring;

import io.needlestack.core.node.NodeRecord;
import io.needlestack.core.ring.Ring;
import io.needlestack.core.ring.RingBuilder;
import io.needlestack.core.ring.RingChangeException;
import io.needlestack.core.ring.RingNode;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The rules of the admin operations and node states, as pure functions of the registry's
 * records, the operator's decisions and the current ring, so they are tested without a server.
 * Every refusal is a {@link ClusterException} with a stable code.
 */
public final class ClusterRules {

    private ClusterRules() {
    }

    /** The state shown for a node (see {@link NodeState} for the precedence). */
    public static NodeState state(NodeRecord record, NodeDecision decision, Ring ring, Instant now) {
        boolean alive = record != null && record.liveness(now) == NodeRecord.Liveness.RUNNING;
        boolean member = ring != null && ring.contains(decision.nodeId());
        if (decision.suspended()) {
            return NodeState.SUSPENDED;
        }
        if (!alive) {
            return NodeState.STOPPED;
        }
        if (member) {
            if (decision.membership() == NodeDecision.Membership.DETACHED) {
                return NodeState.DETACHED;
            }
            return record.startedAt().toEpochMilli() != decision.acceptedStart() ? NodeState.RESTARTED : NodeState.RUNNING;
        }
        return decision.membership() == NodeDecision.Membership.ATTACHED ? NodeState.ATTACHED : NodeState.DETACHED;
    }

    /**
     * Checks that a node may be attached: in the registry, alive, a storage node with a data-plane
     * endpoint, and neither attached nor a ring member already.
     */
    public static void checkAttach(String id, NodeRecord record, NodeDecision decision, Ring ring, Instant now) {
        if (record == null) {
            throw ClusterException.noSuchNode(id);
        }
        if (!record.roles().contains("storage")) {
            throw ClusterException.conflict("NotAStorageNode", "node " + id + " does not have the storage role "
                    + "(roles " + record.roles() + ")");
        }
        if (record.liveness(now) != NodeRecord.Liveness.RUNNING) {
            throw ClusterException.conflict("NodeNotRunning", "node " + id + " is "
                    + record.liveness(now).name().toLowerCase(java.util.Locale.ROOT) + ", only a running node can be attached");
        }
        if (record.internalEndpoint().isBlank()) {
            throw ClusterException.conflict("NodeHasNoInternalEndpoint", "node " + id
                    + " publishes no internal (data-plane) endpoint");
        }
        if (decision.membership() == NodeDecision.Membership.ATTACHED) {
            throw ClusterException.conflict("NodeAlreadyAttached", "node " + id + " is already attached"
                    + (ring != null && ring.contains(id) ? "" : " (waiting for rebalance)"));
        }
    }

    /**
     * Checks that a node may be detached: attached, and at least N attached nodes remain.
     *
     * @param attached the ids of every attached node, the one to detach included
     */
    public static void checkDetach(String id, boolean known, NodeDecision decision, Set<String> attached, int n) {
        if (!known) {
            throw ClusterException.noSuchNode(id);
        }
        if (decision.membership() != NodeDecision.Membership.ATTACHED) {
            throw ClusterException.conflict("NodeNotAttached", "node " + id + " is not attached");
        }
        int remaining = attached.size() - 1;
        if (remaining < n) {
            throw ClusterException.conflict("TooFewNodes", "detaching " + id + " would leave " + remaining
                    + " attached node" + (remaining == 1 ? "" : "s") + " for N=" + n + " replicas");
        }
    }

    /** Checks that a node may be suspended: attached or a ring member, not suspended yet. */
    public static void checkSuspend(String id, boolean known, NodeDecision decision, Ring ring) {
        if (!known) {
            throw ClusterException.noSuchNode(id);
        }
        if (decision.membership() != NodeDecision.Membership.ATTACHED && (ring == null || !ring.contains(id))) {
            throw ClusterException.conflict("NodeNotAttached", "node " + id + " is not attached, only an attached "
                    + "node can be suspended");
        }
        if (decision.suspended()) {
            throw ClusterException.conflict("NodeAlreadySuspended", "node " + id + " is already suspended");
        }
    }

    /** Checks that a node may be resumed: suspended, or restarted (its new process is accepted). */
    public static void checkResume(String id, boolean known, NodeState state) {
        if (!known) {
            throw ClusterException.noSuchNode(id);
        }
        if (state != NodeState.SUSPENDED && state != NodeState.RESTARTED) {
            throw ClusterException.conflict("NodeNotSuspended", "node " + id + " is " + state.label()
                    + ", only a suspended or restarted node can be resumed");
        }
    }

    /**
     * The ring following {@code current} (null: none yet, the next ring is the first, version 1)
     * with exactly the attached nodes as members, their endpoints and racks as the registry
     * reports them (a node missing from the registry keeps what the ring had).
     *
     * @throws ClusterException {@code NothingToRebalance} when the members would not change,
     *                          {@code TooFewNodes} below N attached nodes
     */
    public static Ring nextRing(Ring current, int n, Collection<String> attachedIds, Map<String, NodeRecord> records) {
        Set<String> attached = new TreeSet<>(attachedIds);
        if (attached.size() < n) {
            throw ClusterException.conflict("TooFewNodes", attached.size() + " attached node"
                    + (attached.size() == 1 ? "" : "s") + " cannot hold N=" + n + " replicas");
        }
        RingBuilder b = current == null ? RingBuilder.initial(n) : RingBuilder.from(current);
        try {
            if (current != null) {
                for (RingNode m : List.copyOf(current.members())) {
                    if (!attached.contains(m.id())) {
                        b.detach(m.id());
                    }
                }
            }
            for (String id : attached) {
                NodeRecord r = records.get(id);
                RingNode old = current == null ? null : current.member(id).orElse(null);
                if (old == null) {
                    if (r == null) {
                        throw ClusterException.noSuchNode(id);
                    }
                    b.attach(new RingNode(id, r.internalEndpoint(), r.rack(), 1.0));
                } else if (r != null) {
                    b.update(new RingNode(id, r.internalEndpoint().isBlank() ? old.endpoint() : r.internalEndpoint(),
                            r.rack(), old.weight()));
                }
            }
            if (!b.hasChanges()) {
                throw ClusterException.conflict("NothingToRebalance", "the ring already holds exactly the attached nodes");
            }
            return b.build();
        } catch (RingChangeException e) {
            throw ClusterException.conflict("IllegalRingChange", e.getMessage());
        }
    }
}
