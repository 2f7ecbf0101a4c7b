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
}
