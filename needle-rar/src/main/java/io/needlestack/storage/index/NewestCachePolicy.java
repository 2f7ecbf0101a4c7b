package io.needlestack.storage.index;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntSupplier;

/**
 * When the index's cache of newest versions takes a new entry, and when it starts over.
 *
 * <p>It used to be cleared whenever it was full. With reads spread over more keys than it holds,
 * every miss then added an entry that lived until the next clear: long enough to be copied by
 * every young collection on the way, and then to die in the old generation. Under uniform random
 * 4 KiB GETs over 84,000 keys that made young collections 10 ms long, against 3 ms over 20,000
 * keys, which fit.
 *
 * <p>Now a full cache takes no new entry (writes still remove theirs, which makes room), so its
 * content settles. It starts over only when what it holds has gone cold: a window of
 * {@value #WINDOW} lookups in which it was full and answered fewer than one in
 * {@value #MIN_HIT_DIVISOR} from memory. Reads spread uniformly over up to ten times its size
 * keep it (a fixed share of them hits); a hot set that moved elsewhere clears it.
 */
final class NewestCachePolicy {

    /** Lookups per window. */
    static final int WINDOW = 1 << 16;
    /** A full cache that answers fewer than 1 in this many lookups of a window is cleared. */
    static final int MIN_HIT_DIVISOR = 10;

    private final int capacity;
    private final LongAdder hits = new LongAdder();
    private final AtomicLong lookups = new AtomicLong();

    NewestCachePolicy(int capacity) {
        this.capacity = capacity;
    }

    /**
     * Counts one lookup.
     *
     * @param hit  whether the cache answered it
     * @param size the cache's size, asked only when a window ends (a concurrent map sums its
     *             counters to answer, which every lookup need not pay for)
     * @return true when the cache should be cleared now (at most once per window)
     */
    boolean lookedUp(boolean hit, IntSupplier size) {
        if (hit) {
            hits.increment();
        }
        if (lookups.incrementAndGet() % WINDOW != 0) {
            return false;
        }
        long h = hits.sumThenReset();
        return h * MIN_HIT_DIVISOR < WINDOW && size.getAsInt() >= capacity;
    }

    /** Whether a miss may add its answer to a cache of {@code size} entries. */
    boolean admits(int size) {
        return size < capacity;
    }
}
