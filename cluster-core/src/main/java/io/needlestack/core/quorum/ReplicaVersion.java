package io.needlestack.core.quorum;

import java.io.Serializable;
import java.util.Comparator;

/**
 * The version of an object one replica holds, as a digest read returns it. Versions are ordered
 * newest last: by hybrid-logical-clock timestamp, then by version id (two writes in the same HLC
 * tick from different coordinators), then a tombstone after live data (a delete racing a write in
 * the same tick must not be undone), then by checksum so that the order is total and every node
 * resolves a tie the same way.
 *
 * @param hlc       the write's hybrid logical clock timestamp
 * @param versionId the version id ("null" when versioning is off)
 * @param tombstone true for a delete marker
 * @param checksum  checksum of the data (e.g. its MD5 hex); empty for a tombstone
 */
public record ReplicaVersion(long hlc, String versionId, boolean tombstone, String checksum)
        implements Comparable<ReplicaVersion>, Serializable {

    private static final Comparator<ReplicaVersion> ORDER = Comparator.comparingLong(ReplicaVersion::hlc)
            .thenComparing(ReplicaVersion::versionId)
            .thenComparing(ReplicaVersion::tombstone)
            .thenComparing(ReplicaVersion::checksum);

    /** Normalises null strings to empty. */
    public ReplicaVersion {
        versionId = versionId == null ? "" : versionId;
        checksum = checksum == null ? "" : checksum;
    }

    /** Older versions sort first. */
    @Override
    public int compareTo(ReplicaVersion o) {
        return ORDER.compare(this, o);
    }

    /** True when this version is strictly newer than {@code other}. */
    public boolean isNewerThan(ReplicaVersion other) {
        return compareTo(other) > 0;
    }
}
