package io.needlestack.gateway.recovery;

import io.needlestack.storage.store.NeedleKey;
import io.needlestack.storage.store.NeedleRecord;
import java.util.Comparator;

/**
 * The newest version of one needle a node holds, as anti-entropy compares it: no data, no
 * position, only what decides which copy wins.
 *
 * @param key       the needle
 * @param hlc       hybrid logical clock timestamp of the version
 * @param versionId version id
 * @param tombstone true for a delete marker
 */
record Holding(NeedleKey key, long hlc, String versionId, boolean tombstone) {

    /** Newest first wins: larger HLC, then larger version id (as read repair decides). */
    static final Comparator<Holding> AGE = Comparator.comparingLong(Holding::hlc).thenComparing(Holding::versionId);

    static Holding of(NeedleRecord r) {
        return new Holding(r.key(), r.hlc(), r.versionId(), r.tombstone());
    }

    /** True when this version is strictly newer than {@code other}. */
    boolean isNewerThan(Holding other) {
        return AGE.compare(this, other) > 0;
    }

    /** True when both name the same version of the same needle. */
    boolean sameVersion(Holding other) {
        return key.equals(other.key) && hlc == other.hlc && versionId.equals(other.versionId)
                && tombstone == other.tombstone;
    }
}
