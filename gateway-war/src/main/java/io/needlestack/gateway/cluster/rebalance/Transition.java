package io.needlestack.gateway.cluster.rebalance;

import io.needlestack.core.ring.RebalancePlan;
import io.needlestack.core.ring.Ring;
import io.needlestack.core.ring.RingNode;
import io.needlestack.core.ring.Token;
import io.needlestack.storage.store.NeedleKey;
import io.needlestack.storage.store.NeedleKind;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A rebalance in progress as a node sees it: the ring being left, the ring being moved to, the plan
 * between them, and a ring over the members of both (only its member list is used: a listing
 * during the move asks every node that may hold a name).
 */
public final class Transition {

    private final Ring previous;
    private final Ring next;
    private final RebalancePlan plan;
    private final Ring union;

    private Transition(Ring previous, Ring next) {
        this.previous = previous;
        this.next = next;
        this.plan = RebalancePlan.between(previous, next);
        Map<String, RingNode> members = new LinkedHashMap<>();
        previous.members().forEach(m -> members.put(m.id(), m));
        // The next ring's endpoint wins: a node may have moved.
        next.members().forEach(m -> members.put(m.id(), m));
        this.union = new Ring(next.version(), next.replicaCount(), 1, new ArrayList<>(members.values()));
    }

    /**
     * The transition from {@code previous} to {@code next}, or empty when there is none to make: no
     * previous ring, an empty one, one not older than the next, or one of another N.
     */
    public static Optional<Transition> of(Ring previous, Ring next) {
        if (previous == null || next == null || previous.isEmpty() || next.isEmpty()
                || previous.version() >= next.version() || previous.replicaCount() != next.replicaCount()) {
            return Optional.empty();
        }
        return Optional.of(new Transition(previous, next));
    }

    /** Where a needle is placed: every kind is its own namespace, as in the replicated storage. */
    public static Token position(NeedleKey key) {
        return Token.of(key.bucket(), key.kind() == NeedleKind.OBJECT ? key.name() : key.kind().name() + "/" + key.name());
    }

    public Ring previous() {
        return previous;
    }

    public Ring next() {
        return next;
    }

    public RebalancePlan plan() {
        return plan;
    }

    /** Members of both rings (a ring with one virtual node each: only for its member list). */
    public Ring union() {
        return union;
    }

    /** The previous owners of a needle that are not among its new owners: where a read falls back to. */
    public List<RingNode> previousOnlyOwners(NeedleKey key) {
        Token p = position(key);
        List<String> now = next.replicas(p).stream().map(RingNode::id).toList();
        return previous.replicas(p).stream().filter(n -> !now.contains(n.id())).toList();
    }

    @Override
    public String toString() {
        return "Transition{v" + previous.version() + " -> v" + next.version() + "}";
    }
}
