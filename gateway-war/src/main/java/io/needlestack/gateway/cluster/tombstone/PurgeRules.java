package io.needlestack.gateway.cluster.tombstone;

import io.needlestack.core.clock.HybridLogicalClock;
import io.needlestack.core.quorum.ReplicaVersion;
import io.needlestack.storage.store.NeedleKey;
import io.needlestack.storage.store.NeedleKind;
import io.needlestack.storage.store.NeedleRecord;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * When a tombstone may be purged. A tombstone is forgotten only when it is older than the grace
 * period, it is the newest version of its key with nothing indexed beneath it, it is not a delete
 * marker of a versioned bucket (a version the user can list), and every replica the ring names
 * answers and holds it, something newer, or nothing at all for the key (never an older version). Pure functions: the purger gathers the facts, these decide.
 */
public final class PurgeRules {

    /**
     * Metadata entry that marks a delete marker of a versioned bucket: a real S3 version that
     * ListObjectVersions shows, never purged here (only a lifecycle rule or a DELETE of that
     * version id may remove it). The object layer must set it ("1") on every tombstone it writes
     * with {@code keepOlderVersions=true}.
     */
    public static final String DELETE_MARKER = "delete-marker";

    /** What this node may do with the newest version of a key it holds. */
    public enum Verdict {
        /** Old enough and nothing forbids it: ask the replicas. */
        CANDIDATE,
        /** Not a tombstone (a live version). */
        LIVE,
        /** Younger than the grace period. */
        TOO_YOUNG,
        /** A versioned bucket's delete marker (see {@link #DELETE_MARKER}). */
        DELETE_MARKER,
        /**
         * Older versions are indexed beneath the tombstone. An unversioned delete replaces older
         * versions in the index (and an older write that arrives later is never indexed), so this
         * happens only for tombstones written with {@code keepOlderVersions=true}: a versioned key,
         * whose older versions the user can still read. Dropping the tombstone alone would bring
         * them back as current, so the key is left alone.
         */
        VERSIONS_BENEATH
    }

    /** What one replica answered about the key of a candidate tombstone. */
    public enum ReplicaState {
        /** It holds the tombstone or a newer version. */
        HOLDS,
        /**
         * It holds nothing for the key: it cannot bring anything back. Already purged there, or it
         * never got the write nor the delete; a hinted write of the old version can no longer reach
         * it, since the repair queue copies a version only from a replica that still holds it, and
         * none does once no replica is {@link #STALE}. Requiring the tombstone here would leave a
         * tombstone that read repair or a late hint re-created after a purge stuck for ever.
         */
        EMPTY,
        /** It holds an older version: purging now could bring that version back. */
        STALE,
        /** It did not answer. */
        UNREACHABLE
    }

    private PurgeRules() {
    }

    /**
     * The verdict on a key from this node's own versions of it.
     *
     * @param versions  this node's versions of one key, newest first (at least the newest; the
     *                  second, if any, tells whether something is indexed beneath)
     * @param nowMillis wall-clock time
     * @param grace     the grace period
     */
    public static Verdict verdict(List<NeedleRecord> versions, long nowMillis, Duration grace) {
        NeedleRecord newest = versions.get(0);
        if (!newest.tombstone()) {
            return Verdict.LIVE;
        }
        if ("1".equals(newest.metadata().get(DELETE_MARKER))) {
            return Verdict.DELETE_MARKER;
        }
        if (versions.size() > 1 && versions.get(1).key().equals(newest.key())) {
            return Verdict.VERSIONS_BENEATH;
        }
        if (nowMillis - HybridLogicalClock.millis(newest.hlc()) < grace.toMillis()) {
            return Verdict.TOO_YOUNG;
        }
        return Verdict.CANDIDATE;
    }

    /** What a replica's answer (its newest version of the key) means for purging {@code tombstone}. */
    public static ReplicaState replica(NeedleRecord tombstone, Optional<NeedleRecord> answer) {
        if (answer.isEmpty()) {
            return ReplicaState.EMPTY;
        }
        return version(answer.get()).compareTo(version(tombstone)) >= 0 ? ReplicaState.HOLDS : ReplicaState.STALE;
    }

    /** Whether every replica's state allows the purge: none holds an older version, all answered. */
    public static boolean allowPurge(Collection<ReplicaState> states) {
        return states.stream().allMatch(s -> s == ReplicaState.HOLDS || s == ReplicaState.EMPTY);
    }

    /**
     * Whether, after a purge request for the tombstone {@code (hlc, versionId)}, a node whose newest
     * version of the key is {@code newest} is done with it: it holds nothing, or something newer.
     */
    public static boolean goneOrSuperseded(long hlc, String versionId, Optional<NeedleRecord> newest) {
        return newest.isEmpty()
                || version(newest.get()).compareTo(new ReplicaVersion(hlc, versionId, true, "")) > 0;
    }

    /**
     * The name by which the ring places a needle: every kind is its own namespace, so a chunk is
     * never placed by an object key's hash. Must stay the rule of
     * {@code ReplicatedNeedleStorage.replicas}.
     */
    public static String placementName(NeedleKey key) {
        return key.kind() == NeedleKind.OBJECT ? key.name() : key.kind().name() + "/" + key.name();
    }

    /** Whether two records are the same version of the same key. */
    public static boolean sameVersion(NeedleRecord a, NeedleKey key, long hlc, String versionId) {
        return a.key().equals(key) && a.hlc() == hlc && a.versionId().equals(versionId);
    }

    private static ReplicaVersion version(NeedleRecord r) {
        return new ReplicaVersion(r.hlc(), r.versionId(), r.tombstone(), r.md5Hex() == null ? "" : r.md5Hex());
    }
}
