package io.needlestack.core.ring;

import java.util.Base64;

/**
 * Where the active manager publishes the ring and the cluster's consistency levels, and how every
 * node keeps its last-seen copy. The values are strings (never Java objects: each application
 * has its own class loader):
 *
 * <ul>
 *   <li>Hazelcast map {@link #MAP}, key {@link #CURRENT}: the ring, {@link RingCodec} bytes in
 *       base64; key {@link #PREVIOUS}: the ring before the last change while a rebalance runs
 *       (absent otherwise), same encoding.</li>
 *   <li>Hazelcast map {@link #MAP}, key {@link #CONSISTENCY}: {@code "N,W,R,D"}.</li>
 *   <li>On every node: {@code <data>/ring/current.ring} (the raw codec bytes), so a node can serve
 *       after a full restart before any manager is up.</li>
 * </ul>
 *
 * <p>Ring members are storage nodes: {@link RingNode#id()} is the node id of the registry and
 * {@link RingNode#endpoint()} its internal data-plane endpoint ({@code http://host:internalPort}).
 */
public final class RingPublication {

    /** The Hazelcast map of cluster-wide placement state. */
    public static final String MAP = "needlestack.ring";
    /** Key of the current ring. */
    public static final String CURRENT = "current";
    /** Key of the previous ring during a rebalance. */
    public static final String PREVIOUS = "previous";
    /** Key of the consistency levels. */
    public static final String CONSISTENCY = "consistency";
    /** The node's copy of the current ring, under its data directory. */
    public static final String LOCAL_FILE = "ring/current.ring";

    private RingPublication() {
    }

    /** A ring as the map holds it. */
    public static String toText(Ring ring) {
        return Base64.getEncoder().encodeToString(RingCodec.encode(ring));
    }

    /** A ring from the map's text. */
    public static Ring fromText(String text) throws RingFormatException {
        try {
            return RingCodec.decode(Base64.getDecoder().decode(text));
        } catch (IllegalArgumentException e) {
            throw new RingFormatException("ring text is not base64: " + e.getMessage());
        }
    }
}
