package io.needlestack.storage.engine;

import io.needlestack.storage.store.ContainerUsage;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which containers automatic compaction takes: those not being compacted already where at least
 * {@code minBytes} and at least {@code ratio} of the file could be given back. Both bounds
 * matter: the ratio alone would copy a gigabyte to win a few megabytes of a small container
 * again and again; the bytes alone would rewrite a container that is nearly all live.
 *
 * <p>The looks are not evenly spaced: each wait is the interval plus or minus a quarter, drawn at
 * random ({@link #jittered}). Nodes started together (a cluster brought up at once, or restarted
 * after a power cut) would otherwise look, and compact the replicas of the same keys, at the
 * same moments, slowing every replica of those keys together.
 */
final class AutoCompactionPolicy {
    private final double ratio;
    private final long minBytes;

    AutoCompactionPolicy(double ratio, long minBytes) {
        this.ratio = ratio;
        this.minBytes = minBytes;
    }

    /** The ids due for compaction, in ascending order. */
    Set<Integer> due(List<ContainerUsage> usage) {
        Set<Integer> out = new TreeSet<>();
        for (ContainerUsage u : usage) {
            long reclaimable = u.reclaimableBytes();
            if (!u.compacting() && reclaimable > 0 && reclaimable >= minBytes && reclaimable >= ratio * u.fileBytes()) {
                out.add(u.id());
            }
        }
        return out;
    }

    /** The wait before the next look: {@code intervalMillis} plus or minus 25 %, uniformly. */
    static long jittered(long intervalMillis, java.util.random.RandomGenerator random) {
        long quarter = intervalMillis / 4;
        if (quarter == 0) {
            return intervalMillis;
        }
        return intervalMillis - quarter + random.nextLong(2 * quarter + 1);
    }
}
