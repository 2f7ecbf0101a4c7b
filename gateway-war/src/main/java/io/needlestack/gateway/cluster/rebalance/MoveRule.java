package io.needlestack.gateway.cluster.rebalance;

import io.needlestack.core.ring.RebalancePlan;
import io.needlestack.core.ring.RingNode;
import io.needlestack.core.ring.Token;
import io.needlestack.storage.store.NeedleKey;
import java.util.List;
import java.util.Optional;

/**
 * What a node must do with one needle it holds during a rebalance, decided from its position alone:
 *
 * <ul>
 *   <li>the node is not among the new owners: it must make sure every new owner holds the needle
 *       (copying where one lacks it) and then release its own copy. This covers the arcs it hands
 *       over and any stray copy (a write that reached it through a stale ring);</li>
 *   <li>the node stays an owner of an arc whose owners change but which nobody releases (the
 *       previous ring had fewer members than N): the first previous owner copies to the new
 *       owners, so that one node, not all of them, does it;</li>
 *   <li>otherwise nothing: the releasing nodes of an arc fill its new owners.</li>
 * </ul>
 */
final class MoveRule {

    /** Nodes to hold a copy, and whether this node drops its own once they all confirmed. */
    record Move(List<RingNode> targets, boolean release) {
        static final Move NONE = new Move(List.of(), false);

        boolean isNone() {
            return targets.isEmpty() && !release;
        }
    }

    private final String self;
    private final RebalancePlan plan;

    MoveRule(String self, RebalancePlan plan) {
        this.self = self;
        this.plan = plan;
    }

    Move decide(NeedleKey key) {
        Token p = Transition.position(key);
        List<RingNode> owners = plan.next().replicas(p);
        if (owners.stream().noneMatch(n -> n.id().equals(self))) {
            return new Move(owners, true);
        }
        Optional<RebalancePlan.Change> change = plan.changeAt(p);
        if (change.isPresent() && change.get().releasing().isEmpty() && !change.get().previousOwners().isEmpty()
                && change.get().previousOwners().get(0).equals(self)) {
            List<String> targets = change.get().targets();
            return new Move(owners.stream().filter(n -> targets.contains(n.id())).toList(), false);
        }
        return Move.NONE;
    }
}
