package io.needlestack.core.quorum;

import java.util.List;
import java.util.Optional;

/**
 * The outcome of a replicated read.
 *
 * @param newest   the newest version any replica answered; empty when none holds one
 * @param current  replicas holding exactly the newest version (read the data from one of them);
 *                 every replica that answered when none holds a version
 * @param stale    replicas that answered an older, different or no version: to repair with the
 *                 newest (including a tombstone, so that a deleted object cannot come back)
 * @param answered number of replicas that answered
 * @param degraded true when fewer than R replicas answered: the answer may not be the latest
 *                 acknowledged write
 */
public record ReadResolution(Optional<ReplicaVersion> newest, List<String> current, List<String> stale,
                             int answered, boolean degraded) {

    /** Copies the lists. */
    public ReadResolution {
        current = List.copyOf(current);
        stale = List.copyOf(stale);
    }

    /** True when the newest version is live data (not absent, not a tombstone). */
    public boolean found() {
        return newest.isPresent() && !newest.get().tombstone();
    }

    /** True when the newest version is a delete marker. */
    public boolean deleted() {
        return newest.isPresent() && newest.get().tombstone();
    }

    /** True when some replica needs a repair. */
    public boolean needsRepair() {
        return !stale.isEmpty();
    }
}
