package io.needlestack.gateway.object.cache;

import io.needlestack.storage.store.NeedleKey;
import io.needlestack.storage.store.NeedleKind;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Which versions are worth a cache entry, and which keys a call-back promise: those read at least
 * {@code minUses} times (nginx's {@code proxy_cache_min_uses}, a CDN's "cache on second hit").
 * A version read once and never again (a scan, a backup, random keys over a large store) is then
 * streamed from its replica and never copied into the cache, and its key's HEAD asks for no
 * promise. Copying it would cost a read of the whole body and evict a body that is read again;
 * and in memory, the bodies, kept answers and promises of keys read once live just long enough to
 * be copied by young collections and promoted, only to die in the old generation.
 *
 * <p>The reads are counted in a fixed table of 65,536 slots, one 64-bit word each: 56 bits of the
 * hash and an 8-bit count. A version (or key) takes the slot its hash picks, replacing whatever was
 * there; so the table remembers roughly the last 65,536 distinct ones read, and needs no
 * allocation, lock or eviction thread. Two whose hashes agree in all 64 bits let one of them in a
 * read early; one pushed out by another is counted again from one. A lost race between two readers
 * of the same slot loses a count, never a byte.
 */
final class Admission {

    static final int SLOTS = 1 << 16;
    private static final long COUNT_MASK = 0xFFL;
    /** The most reads a slot's 8-bit count can ask for. */
    static final int MAX_MIN_USES = (int) COUNT_MASK;

    private final int minUses;
    private final AtomicLongArray slots;

    /** @param minUses reads before admission (1: the first read is admitted) */
    Admission(int minUses) {
        if (minUses < 1 || minUses > MAX_MIN_USES) {
            throw new IllegalArgumentException("minUses must be 1 to " + MAX_MIN_USES + ": " + minUses);
        }
        this.minUses = minUses;
        this.slots = minUses == 1 ? null : new AtomicLongArray(SLOTS);
    }

    /** Counts a read of a version the cache does not hold; true when this read should fill the cache. */
    boolean admit(VersionKey version) {
        return admit(hash(version));
    }

    /** Counts a lookup of a key's newest version; true when the answer is worth keeping. */
    boolean admit(NeedleKey key) {
        return admit(hash(key));
    }

    private boolean admit(long h) {
        if (slots == null) {
            return true;
        }
        int slot = (int) (h & (SLOTS - 1));
        long fingerprint = h & ~COUNT_MASK;
        long seen = slots.get(slot);
        long uses = (seen & ~COUNT_MASK) == fingerprint ? (seen & COUNT_MASK) + 1 : 1;
        if (uses >= minUses) {
            // Admitted: the slot is free for another version (the entry now counts its own hits).
            slots.compareAndSet(slot, seen, 0);
            return true;
        }
        slots.compareAndSet(slot, seen, fingerprint | uses);
        return false;
    }

    /** 64 bits of a version's identity, from its parts' own (cached) hashes: no string is built. */
    static long hash(VersionKey v) {
        long h = mix(hashOf(v.kind(), v.bucket(), v.name()) ^ v.hlc());
        return mix(h ^ ((long) v.versionId().hashCode() << 32) ^ (v.crc32c() & 0xFFFFFFFFL));
    }

    /** 64 bits of a key's identity. */
    static long hash(NeedleKey k) {
        return hashOf(k.kind(), k.bucket(), k.name());
    }

    private static long hashOf(NeedleKind kind, String bucket, String name) {
        return mix(((long) bucket.hashCode() << 32) ^ (name.hashCode() & 0xFFFFFFFFL) ^ kind.ordinal());
    }

    /** A 64-bit finaliser (SplitMix64's), so that the slot and the fingerprint use independent bits. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
