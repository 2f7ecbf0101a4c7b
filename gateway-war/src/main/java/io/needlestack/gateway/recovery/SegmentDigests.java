package io.needlestack.gateway.recovery;

import io.needlestack.core.ring.Token;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.BitSet;

/**
 * Digests of a node's holdings per sub-range of the token space: for each of {@link #SEGMENTS}
 * equal sub-ranges (the top {@value #BITS} bits of the ring position), the XOR of a 128-bit hash
 * of every holding in it and their count. XOR makes the digest independent of the order the
 * holdings are seen in (the store scans in key order, not token order) and lets one scan digest
 * every sub-range at once. Two nodes with the same holdings in a sub-range have equal digests;
 * any difference in name, HLC, version id or tombstone changes it (up to hash collisions).
 */
final class SegmentDigests {

    /** Bits of the ring position that select a sub-range. */
    static final int BITS = 12;
    /** Number of sub-ranges of the token space. */
    static final int SEGMENTS = 1 << BITS;

    private final long[] hi = new long[SEGMENTS];
    private final long[] lo = new long[SEGMENTS];
    private final int[] count = new int[SEGMENTS];

    private static final ThreadLocal<MessageDigest> MD5 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 is required of every Java runtime", e);
        }
    });

    /** The sub-range of a ring position. */
    static int segment(Token t) {
        return (int) (t.hi() >>> (64 - BITS));
    }

    /** Adds a holding to the digest of its sub-range. */
    void add(Holding h) {
        add(segment(Placement.token(h.key())), h);
    }

    /** Adds a holding to the digest of sub-range {@code s}. */
    void add(int s, Holding h) {
        MessageDigest md = MD5.get();
        md.reset();
        String canonical = h.key().kind().name() + '\0' + h.key().bucket() + '\0' + h.key().name() + '\0' + h.hlc()
                + '\0' + h.versionId() + '\0' + h.tombstone();
        byte[] d = md.digest(canonical.getBytes(StandardCharsets.UTF_8));
        long a = 0;
        long b = 0;
        for (int i = 0; i < 8; i++) {
            a = (a << 8) | (d[i] & 0xff);
            b = (b << 8) | (d[i + 8] & 0xff);
        }
        hi[s] ^= a;
        lo[s] ^= b;
        count[s]++;
    }

    /** Sets the digest of sub-range {@code s} (as read from a peer). */
    void set(int s, int n, long h, long l) {
        hi[s] = h;
        lo[s] = l;
        count[s] = n;
    }

    int count(int s) {
        return count[s];
    }

    long hi(int s) {
        return hi[s];
    }

    long lo(int s) {
        return lo[s];
    }

    /** Sub-ranges holding anything. */
    int nonEmpty() {
        int n = 0;
        for (int c : count) {
            n += c > 0 ? 1 : 0;
        }
        return n;
    }

    /** The sub-ranges where this and {@code other} differ. */
    BitSet differing(SegmentDigests other) {
        BitSet out = new BitSet(SEGMENTS);
        for (int s = 0; s < SEGMENTS; s++) {
            if (count[s] != other.count[s] || hi[s] != other.hi[s] || lo[s] != other.lo[s]) {
                out.set(s);
            }
        }
        return out;
    }

    /** Sub-ranges that hold anything on either side. */
    int nonEmptyEither(SegmentDigests other) {
        int n = 0;
        for (int s = 0; s < SEGMENTS; s++) {
            n += count[s] > 0 || other.count[s] > 0 ? 1 : 0;
        }
        return n;
    }
}
