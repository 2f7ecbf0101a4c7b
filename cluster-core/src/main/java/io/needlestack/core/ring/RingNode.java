package io.needlestack.core.ring;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;

/**
 * A storage node as the ring knows it. Only the id, the rack and the weight decide placement;
 * the endpoint rides along so that whoever holds the ring can reach the replicas. Liveness
 * (running, suspended, stopped) is deliberately absent: a node that dies stays in the ring
 * unchanged, so its checksum does not change and no data moves.
 *
 * <p>The weight scales the node's virtual nodes: {@code max(1, round(vnodesPerNode * weight))}.
 * Derive it from capacity against a reference fixed for the cluster's life (for example
 * {@code capacity / 1 TiB}, see {@link #weightFor}), not against the median of the current
 * members: a median moves when a node joins, which would change every node's share and move data
 * between nodes that did not change.
 *
 * @param id       stable node id (no whitespace, at most 255 UTF-8 bytes)
 * @param endpoint internal endpoint, e.g. {@code http://10.0.0.5:9081}; empty when unknown
 * @param rack     rack or failure domain; null when not configured
 * @param weight   relative capacity, finite and positive; 1.0 for a standard node
 */
public record RingNode(String id, String endpoint, String rack, double weight) implements Serializable {

    /** Validates and normalises (null endpoint becomes empty, blank rack becomes null). */
    public RingNode {
        if (id == null || id.isBlank() || id.chars().anyMatch(Character::isWhitespace)
                || id.getBytes(StandardCharsets.UTF_8).length > 255) {
            throw new IllegalArgumentException("invalid node id: '" + id + "'");
        }
        endpoint = endpoint == null ? "" : endpoint;
        rack = rack == null || rack.isBlank() ? null : rack;
        if (!(weight > 0) || Double.isInfinite(weight)) {
            throw new IllegalArgumentException("node " + id + ": weight must be positive, not " + weight);
        }
    }

    /** A standard-weight node without rack. */
    public static RingNode of(String id, String endpoint) {
        return new RingNode(id, endpoint, null, 1.0);
    }

    /** The same node with another endpoint (placement does not change). */
    public RingNode withEndpoint(String newEndpoint) {
        return new RingNode(id, newEndpoint, rack, weight);
    }

    /**
     * The weight of a node of {@code capacity} bytes against the cluster's fixed reference
     * capacity; never below the weight of one virtual node.
     */
    public static double weightFor(long capacity, long referenceCapacity) {
        if (capacity <= 0 || referenceCapacity <= 0) {
            throw new IllegalArgumentException("capacities must be positive");
        }
        return (double) capacity / referenceCapacity;
    }

    /** Number of virtual nodes of this node in a ring of {@code vnodesPerNode} per unit weight. */
    int vnodes(int vnodesPerNode) {
        return (int) Math.max(1, Math.min(1_000_000, Math.round(vnodesPerNode * weight)));
    }
}
