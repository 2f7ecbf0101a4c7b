package io.needlestack.gateway.object.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.needlestack.storage.store.NeedleKey;
import io.needlestack.storage.store.NeedleRecord;
import java.util.Optional;

/**
 * The gateway's side of the call-back promises: the newest version of keys whose replicas
 * promised to tell this gateway of their next write, each trusted until its promises run out.
 * Pure (times in {@link System#nanoTime()} units are passed in), thread-safe, bounded.
 *
 * <p>A fill records what a HEAD answered; the call-back that drops a key may arrive while that
 * HEAD is still on its way. So a fill carries the generation of the key's stripe read before the
 * HEAD was sent, and is refused when a drop of that stripe came in between: an answer read before
 * a write is never kept after that write's call-back.
 */
final class PointerCache {

    /**
     * A kept answer: the newest version (or none), trusted until {@code trustedUntil}, under
     * {@code epoch}; {@code alone} when this node answered the HEAD by itself.
     */
    static final class Entry extends FillThrottle.Entry {
        private final Optional<NeedleRecord> record;
        private final long trustedUntil;
        private final long epoch;
        private final boolean alone;

        Entry(Optional<NeedleRecord> record, long trustedUntil, long epoch, boolean alone) {
            this.record = record;
            this.trustedUntil = trustedUntil;
            this.epoch = epoch;
            this.alone = alone;
        }

        Optional<NeedleRecord> record() {
            return record;
        }

        long trustedUntil() {
            return trustedUntil;
        }

        long epoch() {
            return epoch;
        }

        boolean alone() {
            return alone;
        }
    }

    private static final int STRIPES = 1024;

    private final Object[] locks = new Object[STRIPES];
    private final long[] generations = new long[STRIPES]; // guarded by locks[i]
    private final Cache<NeedleKey, Entry> entries;

    /** @param maxEntries most keys kept (least recently used dropped first) */
    PointerCache(long maxEntries) {
        for (int i = 0; i < STRIPES; i++) {
            locks[i] = new Object();
        }
        // Evictions on the calling thread: on a node with two cores, handing each one to the common
        // fork-join pool cost more (thread wake-ups in the profile) than doing it.
        entries = Caffeine.newBuilder().maximumSize(maxEntries).executor(Runnable::run).build();
    }

    private static int stripe(NeedleKey key) {
        int h = key.hashCode();
        return (h ^ (h >>> 16)) & (STRIPES - 1);
    }

    /** The generation a later {@link #fill} must present; read it before sending the HEAD. */
    long generation(NeedleKey key) {
        int s = stripe(key);
        synchronized (locks[s]) {
            return generations[s];
        }
    }

    /**
     * The kept answer for {@code key}, when its promises still hold at {@code now} and it was
     * kept under the same placement {@code epoch} (ring and consistency levels).
     */
    Optional<Entry> trusted(NeedleKey key, long now, long epoch) {
        Entry e = entries.getIfPresent(key);
        if (e == null || now - e.trustedUntil() >= 0 || e.epoch() != epoch) {
            return Optional.empty();
        }
        return Optional.of(e);
    }

    /**
     * Keeps a HEAD's answer, unless a drop of the key's stripe came after {@code generation}.
     *
     * @param alone whether this node answered the HEAD by itself (see {@link Entry})
     *
     * @return whether it was kept
     */
    boolean fill(NeedleKey key, long generation, Optional<NeedleRecord> record, long trustedUntil, long epoch,
                 boolean alone) {
        int s = stripe(key);
        synchronized (locks[s]) {
            if (generations[s] != generation) {
                return false;
            }
            entries.put(key, new Entry(record, trustedUntil, epoch, alone));
            return true;
        }
    }

    /** Drops {@code key} and fails every fill of its stripe that read the generation before. */
    void drop(NeedleKey key) {
        int s = stripe(key);
        synchronized (locks[s]) {
            generations[s]++;
            entries.invalidate(key);
        }
    }

    /** Keys kept (expired ones included until evicted), after pending evictions. */
    long size() {
        entries.cleanUp();
        return entries.estimatedSize();
    }
}
