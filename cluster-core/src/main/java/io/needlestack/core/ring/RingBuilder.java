package io.needlestack.core.ring;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Derives the next ring from the current one, as the manager does on attach and detach. Only
 * explicit membership changes alter the ring: a node that is suspended, stopped or dead stays a
 * member, so a crash never moves data. The result has version {@code current + 1}, the same N and
 * the same virtual-node count (N is fixed at cluster creation).
 *
 * <pre>{@code
 * Ring next = RingBuilder.from(current).attach(RingNode.of("n4", "http://h4:9081")).build();
 * RebalancePlan plan = RebalancePlan.between(current, next);
 * }</pre>
 *
 * Not thread-safe; use one builder per change.
 */
public final class RingBuilder {

    private final Ring base;
    private final Map<String, RingNode> members = new LinkedHashMap<>();
    private boolean changed;

    private RingBuilder(Ring base) {
        this.base = base;
        base.members().forEach(n -> members.put(n.id(), n));
    }

    /** A builder for the first ring of a cluster with {@link Ring#DEFAULT_VNODES}. */
    public static RingBuilder initial(int replicas) {
        return initial(replicas, Ring.DEFAULT_VNODES);
    }

    /** A builder for the first ring of a cluster (the result has version 1). */
    public static RingBuilder initial(int replicas, int vnodesPerNode) {
        return new RingBuilder(new Ring(0, replicas, vnodesPerNode, java.util.List.of()));
    }

    /** A builder for the ring following {@code current}. */
    public static RingBuilder from(Ring current) {
        return new RingBuilder(current);
    }

    /**
     * Adds a storage node.
     *
     * @throws RingChangeException when a node of that id is already a member
     */
    public RingBuilder attach(RingNode node) {
        if (members.containsKey(node.id())) {
            throw new RingChangeException("node " + node.id() + " is already attached");
        }
        members.put(node.id(), node);
        changed = true;
        return this;
    }

    /**
     * Removes a storage node (its data moves to the others on rebalance).
     *
     * @throws RingChangeException when the node is not a member, or when fewer than N members
     *                             would remain
     */
    public RingBuilder detach(String nodeId) {
        if (!members.containsKey(nodeId)) {
            throw new RingChangeException("node " + nodeId + " is not attached");
        }
        if (members.size() - 1 < base.replicaCount()) {
            throw new RingChangeException("detaching " + nodeId + " would leave " + (members.size() - 1)
                    + " nodes for N=" + base.replicaCount() + " replicas");
        }
        members.remove(nodeId);
        changed = true;
        return this;
    }

    /**
     * Replaces a member's description, e.g. a new endpoint after a move to another host (a new
     * rack or weight moves data like any other change).
     *
     * @throws RingChangeException when the node is not a member
     */
    public RingBuilder update(RingNode node) {
        RingNode old = members.get(node.id());
        if (old == null) {
            throw new RingChangeException("node " + node.id() + " is not attached");
        }
        if (!old.equals(node)) {
            members.put(node.id(), node);
            changed = true;
        }
        return this;
    }

    /** True when attach, detach or update changed anything. */
    public boolean hasChanges() {
        return changed;
    }

    /**
     * The next ring, version {@code current + 1}.
     *
     * @throws RingChangeException when nothing changed or no member is left
     */
    public Ring build() {
        if (!changed) {
            throw new RingChangeException("the ring did not change");
        }
        if (members.isEmpty()) {
            throw new RingChangeException("a ring needs at least one node");
        }
        return new Ring(base.version() + 1, base.replicaCount(), base.vnodesPerNode(), members.values());
    }
}
