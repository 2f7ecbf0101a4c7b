package io.needlestack.core.ring;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * What must move when the ring changes from {@code previous} to {@code next}, computed exactly:
 * the ring is cut at the union of both rings' virtual-node positions, and every resulting arc
 * whose replica set differs between the two rings becomes a {@link Change} (adjacent arcs with the
 * same change are merged). Nothing else moves: arcs whose owners are the same set are left alone,
 * whatever their order.
 *
 * <p>During the rebalance both rings are kept: {@link #writeTargets} are the new owners,
 * {@link #readTargets} the new owners followed by the old ones, so a read finds an object that
 * has not been copied yet. Old copies may be removed ({@link Change#releasing()}) only after
 * every target confirmed its copy.
 */
public final class RebalancePlan {

    /**
     * One arc whose owners change.
     *
     * @param range          the arc {@code (start, end]}
     * @param previousOwners the nodes holding it in the previous ring (the sources of the copy)
     * @param nextOwners     the nodes holding it in the next ring
     */
    public record Change(TokenRange range, List<String> previousOwners, List<String> nextOwners) {

        /** Copies the lists. */
        public Change {
            previousOwners = List.copyOf(previousOwners);
            nextOwners = List.copyOf(nextOwners);
        }

        /** Nodes that must receive a copy of the arc: new owners that were not owners. */
        public List<String> targets() {
            return nextOwners.stream().filter(n -> !previousOwners.contains(n)).toList();
        }

        /** Nodes that may drop the arc once every target confirmed: old owners that are not owners any more. */
        public List<String> releasing() {
            return previousOwners.stream().filter(n -> !nextOwners.contains(n)).toList();
        }

        /** Nodes to copy from: the previous owners. */
        public List<String> sources() {
            return previousOwners;
        }
    }

    private final Ring previous;
    private final Ring next;
    private final Token[] boundaries;
    private final Change[] changeOfSegment;
    private final List<Change> changes;

    private RebalancePlan(Ring previous, Ring next) {
        this.previous = previous;
        this.next = next;
        TreeSet<Token> cuts = new TreeSet<>();
        previous.ranges().forEach(r -> cuts.add(r.range().end()));
        next.ranges().forEach(r -> cuts.add(r.range().end()));
        this.boundaries = cuts.toArray(new Token[0]);
        int m = boundaries.length;
        this.changeOfSegment = new Change[m];
        List<Change> found = new ArrayList<>();
        // Segment i is (boundaries[i-1], boundaries[i]], segment 0 the one wrapping through zero.
        Change open = null;
        int openFrom = -1;
        for (int i = 0; i < m; i++) {
            Token end = boundaries[i];
            List<String> before = ids(previous.replicas(end));
            List<String> after = ids(next.replicas(end));
            boolean differs = !Set.copyOf(before).equals(Set.copyOf(after));
            if (open != null && (!differs || !open.previousOwners().equals(before) || !open.nextOwners().equals(after))) {
                found.add(close(open, openFrom, i - 1));
                open = null;
            }
            if (differs && open == null) {
                open = new Change(new TokenRange(boundaries[(i + m - 1) % m], end), before, after);
                openFrom = i;
            }
        }
        if (open != null) {
            found.add(close(open, openFrom, m - 1));
        }
        this.changes = List.copyOf(found);
    }

    private Change close(Change open, int from, int to) {
        int m = boundaries.length;
        Change merged = new Change(new TokenRange(boundaries[(from + m - 1) % m], boundaries[to]),
                open.previousOwners(), open.nextOwners());
        Arrays.fill(changeOfSegment, from, to + 1, merged);
        return merged;
    }

    private static List<String> ids(List<RingNode> nodes) {
        return nodes.stream().map(RingNode::id).toList();
    }

    /** The plan from {@code previous} to {@code next}; an empty previous ring means nothing to copy. */
    public static RebalancePlan between(Ring previous, Ring next) {
        Objects.requireNonNull(previous, "previous");
        Objects.requireNonNull(next, "next");
        if (previous.replicaCount() != next.replicaCount()) {
            throw new IllegalArgumentException("N cannot change: " + previous.replicaCount() + " -> " + next.replicaCount());
        }
        return new RebalancePlan(previous, next);
    }

    /** The ring being left. */
    public Ring previous() {
        return previous;
    }

    /** The ring being moved to. */
    public Ring next() {
        return next;
    }

    /** Every arc whose owner set changes, in ring order. */
    public List<Change> changes() {
        return changes;
    }

    /** The arcs that some node must receive. */
    public List<Change> moves() {
        return previous.isEmpty() ? List.of()
                : changes.stream().filter(c -> !c.targets().isEmpty()).toList();
    }

    /** The arcs that some node may drop once the moves are confirmed. */
    public List<Change> removals() {
        return changes.stream().filter(c -> !c.releasing().isEmpty()).toList();
    }

    /** The moves a node must receive. */
    public List<Change> movesTo(String nodeId) {
        return moves().stream().filter(c -> c.targets().contains(nodeId)).toList();
    }

    /** True when no owner changes. */
    public boolean isEmpty() {
        return changes.isEmpty();
    }

    /** The change covering a position, empty when its owners stay the same. */
    public Optional<Change> changeAt(Token position) {
        if (boundaries.length == 0) {
            return Optional.empty();
        }
        int i = Arrays.binarySearch(boundaries, position, Comparator.naturalOrder());
        int segment = i >= 0 ? i : -i - 1;
        if (segment == boundaries.length) {
            segment = 0;
        }
        return Optional.ofNullable(changeOfSegment[segment]);
    }

    /** Fraction of the key space whose owner set changes. */
    public double changedFraction() {
        return changes.stream().mapToDouble(c -> c.range().fraction()).sum();
    }

    /**
     * Fraction of all stored copies that must be copied: the sum over moves of arc size times
     * targets, over N times the ring (with N copies of everything, adding one node to K moves
     * about 1/(K+1) of the data).
     */
    public double movedFraction() {
        int copies = Math.max(1, Math.min(next.replicaCount(), next.members().size()));
        return moves().stream().mapToDouble(c -> c.range().fraction() * c.targets().size()).sum() / copies;
    }

    /** Where a write goes during the rebalance: the new owners. */
    public List<RingNode> writeTargets(Token position) {
        return next.replicas(position);
    }

    /** Where a read goes during the rebalance: the new owners, then old owners not among them. */
    public List<RingNode> readTargets(Token position) {
        List<RingNode> first = next.replicas(position);
        List<RingNode> out = new ArrayList<>(first);
        Set<String> seen = first.stream().map(RingNode::id).collect(Collectors.toSet());
        for (RingNode n : previous.replicas(position)) {
            if (seen.add(n.id())) {
                out.add(n);
            }
        }
        return out;
    }

    @Override
    public String toString() {
        return "RebalancePlan{" + previous.version() + " -> " + next.version() + ", changes=" + changes.size()
                + String.format(", changed=%.4f, moved=%.4f}", changedFraction(), movedFraction());
    }
}
