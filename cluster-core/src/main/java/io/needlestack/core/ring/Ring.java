package io.needlestack.core.ring;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * An immutable consistent-hash ring: which storage nodes hold which objects.
 *
 * <p>Each member gets {@code max(1, round(vnodesPerNode * weight))} virtual nodes at positions
 * {@code MD5(nodeId + "#" + i)}. An object at {@link Token#of(String, String) MD5(bucket/key)}
 * belongs to the first virtual node at or after its position (wrapping through zero), and its
 * replicas are the next {@code N} distinct nodes clockwise from there. When every member has a
 * rack, replicas are taken first on distinct racks (the next virtual node whose rack is new), and
 * only when there are fewer racks than N are the remaining replicas filled with distinct nodes, in
 * clockwise order. With fewer members than N, every member holds everything. With as many racks
 * as N, every rack holds one copy of everything, split among its nodes: give racks equal capacity.
 *
 * <p>Replica sets are computed once per virtual node at construction; a lookup is one MD5 and one
 * binary search over the sorted positions, without allocation.
 *
 * <p>The {@link #checksum()} covers the version, N, the virtual-node count and every member
 * (id, endpoint, rack, weight), in the canonical encoding of {@link RingCodec}: equal rings give
 * equal checksums whatever the order their members were given in.
 */
public final class Ring {

    /** Virtual nodes of a node of weight 1.0, as in LeoFS. */
    public static final int DEFAULT_VNODES = 168;

    private final long version;
    private final int replicas;
    private final int vnodesPerNode;
    private final List<RingNode> members;
    private final Map<String, RingNode> byId;
    private final boolean rackAware;
    private final long[] hi;
    private final long[] lo;
    private final int[] owner;
    private final List<RingNode>[] replicaSets;
    private final List<RingRange> ranges;
    private final long checksum;

    /**
     * Builds a ring.
     *
     * @param version       version, increasing with every change the manager publishes
     * @param replicas      N, the number of copies of every object (at least 1)
     * @param vnodesPerNode virtual nodes of a node of weight 1.0 (at least 1)
     * @param members       the attached storage nodes, in any order; ids must be unique
     */
    public Ring(long version, int replicas, int vnodesPerNode, Collection<RingNode> members) {
        if (replicas < 1 || replicas > 0xffff) {
            throw new IllegalArgumentException("N must be between 1 and 65535, not " + replicas);
        }
        if (vnodesPerNode < 1) {
            throw new IllegalArgumentException("virtual nodes per node must be at least 1, not " + vnodesPerNode);
        }
        this.version = version;
        this.replicas = replicas;
        this.vnodesPerNode = vnodesPerNode;
        TreeMap<String, RingNode> sorted = new TreeMap<>();
        for (RingNode n : members) {
            if (sorted.put(n.id(), n) != null) {
                throw new IllegalArgumentException("node " + n.id() + " is listed twice");
            }
        }
        this.members = List.copyOf(sorted.values());
        this.byId = Map.copyOf(sorted);
        this.rackAware = !this.members.isEmpty() && this.members.stream().allMatch(n -> n.rack() != null);

        record VNode(long hi, long lo, int owner) { }
        List<VNode> vnodes = new ArrayList<>();
        for (int m = 0; m < this.members.size(); m++) {
            RingNode n = this.members.get(m);
            int count = n.vnodes(vnodesPerNode);
            for (int i = 0; i < count; i++) {
                Token t = Token.hash(n.id() + "#" + i);
                vnodes.add(new VNode(t.hi(), t.lo(), m));
            }
        }
        // Ties on a position (never seen with MD5, but possible) go to the smaller node id, and the
        // duplicate is dropped so that no range is empty.
        Comparator<VNode> byPosition = (a, b) -> Token.compare(a.hi, a.lo, b.hi, b.lo);
        vnodes.sort(byPosition.thenComparingInt(VNode::owner));
        List<VNode> unique = new ArrayList<>(vnodes.size());
        for (VNode v : vnodes) {
            VNode last = unique.isEmpty() ? null : unique.get(unique.size() - 1);
            if (last == null || last.hi != v.hi || last.lo != v.lo) {
                unique.add(v);
            }
        }
        int size = unique.size();
        this.hi = new long[size];
        this.lo = new long[size];
        this.owner = new int[size];
        for (int i = 0; i < size; i++) {
            hi[i] = unique.get(i).hi;
            lo[i] = unique.get(i).lo;
            owner[i] = unique.get(i).owner;
        }
        @SuppressWarnings("unchecked")
        List<RingNode>[] sets = new List[size];
        Map<List<RingNode>, List<RingNode>> interned = new HashMap<>();
        for (int v = 0; v < size; v++) {
            List<RingNode> set = List.copyOf(walk(v));
            sets[v] = interned.computeIfAbsent(set, s -> s);
        }
        this.replicaSets = sets;
        List<RingRange> arcs = new ArrayList<>(size);
        for (int v = 0; v < size; v++) {
            int prev = (v + size - 1) % size;
            arcs.add(new RingRange(new TokenRange(vnodePosition(prev), vnodePosition(v)), sets[v]));
        }
        this.ranges = List.copyOf(arcs);
        this.checksum = RingCodec.checksumOf(this);
    }

    /** The empty ring of a cluster that has no attached node yet (version 0). */
    public static Ring empty(int replicas) {
        return new Ring(0, replicas, DEFAULT_VNODES, List.of());
    }

    private List<RingNode> walk(int from) {
        int want = Math.min(replicas, members.size());
        List<RingNode> picked = new ArrayList<>(want);
        boolean[] taken = new boolean[members.size()];
        int size = owner.length;
        if (rackAware) {
            Set<String> racks = new HashSet<>();
            long allRacks = members.stream().map(RingNode::rack).distinct().count();
            for (int step = 0; step < size && picked.size() < want && racks.size() < allRacks; step++) {
                int m = owner[(from + step) % size];
                RingNode n = members.get(m);
                if (!taken[m] && racks.add(n.rack())) {
                    taken[m] = true;
                    picked.add(n);
                }
            }
        }
        for (int step = 0; step < size && picked.size() < want; step++) {
            int m = owner[(from + step) % size];
            if (!taken[m]) {
                taken[m] = true;
                picked.add(members.get(m));
            }
        }
        return picked;
    }

    /** The version of this ring. */
    public long version() {
        return version;
    }

    /** N: how many copies of every object the ring places. */
    public int replicaCount() {
        return replicas;
    }

    /** Virtual nodes of a node of weight 1.0. */
    public int vnodesPerNode() {
        return vnodesPerNode;
    }

    /** The members, sorted by id. */
    public List<RingNode> members() {
        return members;
    }

    /** The member of that id, if attached. */
    public Optional<RingNode> member(String nodeId) {
        return Optional.ofNullable(byId.get(nodeId));
    }

    /** True when the node is a member. */
    public boolean contains(String nodeId) {
        return byId.containsKey(nodeId);
    }

    /** True for a ring without members. */
    public boolean isEmpty() {
        return members.isEmpty();
    }

    /** True when replicas are spread over racks (every member has one). */
    public boolean isRackAware() {
        return rackAware;
    }

    /** Number of virtual nodes on the ring. */
    public int vnodeCount() {
        return owner.length;
    }

    /** Number of virtual nodes of one member, 0 when it is not a member. */
    public int vnodeCount(String nodeId) {
        RingNode n = byId.get(nodeId);
        return n == null ? 0 : n.vnodes(vnodesPerNode);
    }

    /** The replicas of an object, primary first; empty for an empty ring. */
    public List<RingNode> replicas(String bucket, String key) {
        return replicas(Token.of(bucket, key));
    }

    /** The replicas of a position, primary first; empty for an empty ring. */
    public List<RingNode> replicas(Token position) {
        if (owner.length == 0) {
            return List.of();
        }
        return replicaSets[vnodeIndex(position.hi(), position.lo())];
    }

    /** Index of the first virtual node at or after the position, wrapping to 0. */
    int vnodeIndex(long h, long l) {
        int low = 0;
        int high = hi.length - 1;
        while (low <= high) {
            int mid = (low + high) >>> 1;
            int c = Token.compare(hi[mid], lo[mid], h, l);
            if (c < 0) {
                low = mid + 1;
            } else if (c > 0) {
                high = mid - 1;
            } else {
                return mid;
            }
        }
        return low == hi.length ? 0 : low;
    }

    /** The position of virtual node {@code i} (sorted order). */
    Token vnodePosition(int i) {
        return new Token(hi[i], lo[i]);
    }

    /** Every range between consecutive virtual nodes with its replicas, in ring order; they cover the ring exactly once. */
    public List<RingRange> ranges() {
        return ranges;
    }

    /** The ranges a node holds a replica of, in ring order. */
    public List<RingRange> rangesOf(String nodeId) {
        return ranges().stream().filter(r -> r.isHeldBy(nodeId)).toList();
    }

    /**
     * For every member, the fraction of the key space it holds a copy of (the fractions add up to
     * {@code min(N, members)}).
     */
    public Map<String, Double> ownership() {
        Map<String, Double> share = new LinkedHashMap<>();
        members.forEach(n -> share.put(n.id(), 0.0));
        for (RingRange r : ranges()) {
            double f = r.range().fraction();
            for (RingNode n : r.replicas()) {
                share.merge(n.id(), f, Double::sum);
            }
        }
        return share;
    }

    /**
     * A stable 64-bit hash of this ring: the first 8 bytes of the SHA-256 of its canonical
     * encoding ({@link RingCodec}).
     */
    public long checksum() {
        return checksum;
    }

    /** The checksum as 16 hex digits, as shown by status and dump-ring. */
    public String checksumHex() {
        return String.format("%016x", checksum);
    }

    /** Rings are equal when their canonical encodings are (same version, N, vnodes and members). */
    @Override
    public boolean equals(Object o) {
        return o instanceof Ring r && r.version == version && r.replicas == replicas
                && r.vnodesPerNode == vnodesPerNode && r.members.equals(members);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(checksum);
    }

    @Override
    public String toString() {
        return "Ring{version=" + version + ", N=" + replicas + ", members=" + members.size()
                + ", vnodes=" + owner.length + ", checksum=" + checksumHex() + "}";
    }
}
