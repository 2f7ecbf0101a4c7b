package io.needlestack.gateway.object.cache;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * Whether a cache should still take new entries, judged by whether the entries it took lately
 * were used: a fill pays only when its entry is read again before it goes.
 *
 * <p>{@link Admission} lets in what was read twice. When reads spread uniformly over many more
 * keys than a cache holds, that is most of them, and almost none is read again before it is
 * evicted (or, for a kept answer, before its promise runs out). Each such fill costs a copy of
 * the body or an answer and a promise, which live just long enough to be copied by young
 * collections. Measured on one node under uniform random 4 KiB GETs over 84,000 keys: the
 * memory tier evicted about 90,000 bodies in 20 s and young collections took 7.8-8.4 ms, against
 * about 3.6 ms with the cache off; with this throttle, about 8,000 evictions and 4.5-4.9 ms, as
 * many memory hits, and GET rate and p99 within the noise of the runs.
 *
 * <p>So the cache counts, per window of {@value #WINDOW} fills, how many entries were used for the
 * first time. When fewer than {@code usedPercent} in 100 were, the next window takes only one
 * candidate in {@value #SAMPLE}: what the cache holds stays and keeps answering, and the sampled
 * fills measure whether new entries became worth their cost again (a hot set that moved), which
 * lifts the throttle at the end of that window. Thread-safe and lock-free, with no allocation
 * per call; a race may lose an increment, which only shifts a decision by one.
 */
final class FillThrottle {

    /** Fills per window. */
    static final int WINDOW = 1024;
    /** A throttled cache takes one candidate in this many. */
    static final int SAMPLE = 16;

    private final int usedPercent;
    private final LongSupplier evictions;
    private final AtomicLong fills = new AtomicLong();
    private final LongAdder used = new LongAdder();
    private final LongAdder skipped = new LongAdder();
    private long evictionsAtWindowStart; // written by the thread that ends a window only
    private volatile boolean throttled;

    /**
     * @param usedPercent entries in 100 that must be used for fills to stay unthrottled
     * @param evictions   the cache's evictions so far; a window without one never throttles (a
     *                    cache that is not full loses nothing by filling). Null for a cache whose
     *                    entries run out by themselves (kept answers), which is always judged
     */
    FillThrottle(int usedPercent, LongSupplier evictions) {
        if (usedPercent < 0 || usedPercent > 100) {
            throw new IllegalArgumentException("usedPercent must be 0 to 100: " + usedPercent);
        }
        this.usedPercent = usedPercent;
        this.evictions = evictions;
    }

    /** Whether a candidate the admission let in should fill the cache now. */
    boolean mayFill() {
        // At random, not every SAMPLE-th: keys read in a fixed cycle would otherwise always meet the
        // same phase of a counter, and some would never be sampled.
        if (!throttled || ThreadLocalRandom.current().nextInt(SAMPLE) == 0) {
            return true;
        }
        skipped.increment();
        return false;
    }

    /** Counts an entry taken; ends a window every {@value #WINDOW} fills. */
    void filled() {
        if (fills.incrementAndGet() % WINDOW != 0) {
            return;
        }
        long u = used.sumThenReset();
        boolean crowded = true;
        if (evictions != null) {
            long now = evictions.getAsLong();
            crowded = now != evictionsAtWindowStart;
            evictionsAtWindowStart = now;
        }
        throttled = crowded && u * 100 < (long) WINDOW * usedPercent;
    }

    /**
     * What a throttled cache keeps per entry: whether it was read since its fill. Set by the first
     * hit; a racing second hit may see it unset, which counts one use twice.
     */
    abstract static class Entry {
        private boolean read;
    }

    /** Counts a hit of {@code entry}: its first read after the fill counts as a use. */
    void hit(Entry entry) {
        if (!entry.read) {
            entry.read = true;
            used();
        }
    }

    /** Counts the first read of an entry after its fill (call once per entry). */
    void used() {
        used.increment();
    }

    /** Whether fills are being sampled now. */
    boolean throttled() {
        return throttled;
    }

    /** Candidates turned away while throttled, since start. */
    long skipped() {
        return skipped.sum();
    }
}
