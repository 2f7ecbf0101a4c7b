package io.needlestack.gateway.object.orphan;

import io.needlestack.storage.store.NeedleKey;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * Decides when a chunk that no manifest lists may be collected. Two clocks guard it:
 *
 * <ul>
 *   <li><b>grace</b>, on the chunk's own age (its HLC): a PUT or part upload writes its chunks
 *       before its manifest, so a young unreferenced chunk may belong to a write still running;</li>
 *   <li><b>settle</b>, on how long the chunk has been seen unreferenced: a GET that began before an
 *       overwrite reads the old version's chunks one by one after it (the regular collection waits
 *       as long for the same reason). A chunk is collected only when a pass finds it unreferenced
 *       and an earlier pass, at least {@code settle} before, found it so too.</li>
 * </ul>
 *
 * The marks (first sighting of each unreferenced chunk) live in memory, at most {@code capacity}
 * of them: a restart only postpones a collection, and a chunk that finds the ledger full is
 * marked by a later pass. A mark that a pass did not renew (the chunk was referenced again,
 * collected by another node, or the pass stopped early) is dropped at the end of that pass.
 * Not thread-safe: one pass runs at a time.
 */
public final class OrphanLedger {

    /** What to do with an unreferenced chunk. */
    public enum Verdict {
        /** Too young to judge: it may belong to a write still running. */
        YOUNG,
        /** First seen unreferenced now (or seen less than {@code settle} ago): wait. */
        WAIT,
        /** Unreferenced for at least {@code settle}: collect it. */
        COLLECT
    }

    private record Mark(long firstSeenMillis, long pass) {
    }

    private final long graceMillis;
    private final long settleMillis;
    private final int capacity;
    private final Map<NeedleKey, Mark> marks = new HashMap<>();
    private long pass;

    /**
     * @param grace    how old a chunk must be before it is judged at all
     * @param settle   how long a chunk must have been seen unreferenced before it is collected
     * @param capacity most marks kept
     */
    public OrphanLedger(Duration grace, Duration settle, int capacity) {
        if (grace.isNegative() || settle.isNegative() || capacity < 1) {
            throw new IllegalArgumentException("grace " + grace + ", settle " + settle + ", capacity " + capacity);
        }
        this.graceMillis = grace.toMillis();
        this.settleMillis = settle.toMillis();
        this.capacity = capacity;
    }

    /** Starts a pass: marks not renewed by it are dropped at {@link #endPass()}. */
    public void startPass() {
        pass++;
    }

    /** Whether a chunk written at {@code chunkMillis} is old enough to be judged at {@code nowMillis}. */
    public boolean oldEnough(long chunkMillis, long nowMillis) {
        return nowMillis - chunkMillis >= graceMillis;
    }

    /** The chunk was found unreferenced at {@code nowMillis}; {@link #oldEnough} must have said yes. */
    public Verdict unreferenced(NeedleKey chunk, long nowMillis) {
        Mark m = marks.get(chunk);
        if (m == null) {
            if (marks.size() < capacity) {
                marks.put(chunk, new Mark(nowMillis, pass));
            }
            return Verdict.WAIT;
        }
        if (m.pass() < pass && nowMillis - m.firstSeenMillis() >= settleMillis) {
            marks.remove(chunk);
            return Verdict.COLLECT;
        }
        marks.put(chunk, new Mark(m.firstSeenMillis(), pass));
        return Verdict.WAIT;
    }

    /** Ends a pass: forgets every mark this pass did not renew. */
    public void endPass() {
        marks.values().removeIf(m -> m.pass() != pass);
    }

    /** Chunks seen unreferenced and waiting. */
    public int marked() {
        return marks.size();
    }
}
