package io.needlestack.gateway.cluster.tombstone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.needlestack.core.clock.HybridLogicalClock;
import io.needlestack.gateway.cluster.tombstone.PurgeRules.ReplicaState;
import io.needlestack.gateway.cluster.tombstone.PurgeRules.Verdict;
import io.needlestack.storage.store.NeedleKey;
import io.needlestack.storage.store.NeedleKind;
import io.needlestack.storage.store.NeedleRecord;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PurgeRulesTest {

    private static final Duration GRACE = Duration.ofDays(10);
    private static final long NOW = 1_800_000_000_000L;
    private static final NeedleKey KEY = NeedleKey.object("b", "k");

    private static long hlcAt(long millis) {
        return millis << HybridLogicalClock.LOGICAL_BITS;
    }

    private static NeedleRecord rec(NeedleKey key, long hlc, String version, boolean tombstone, Map<String, String> meta) {
        return new NeedleRecord(key, hlc, version, tombstone, meta, tombstone ? 0 : 3, tombstone ? "" : "abc", 0, 1, 0, 64);
    }

    private static NeedleRecord tombstone(long hlc) {
        return rec(KEY, hlc, "v" + hlc, true, null);
    }

    @Test
    void anOldLoneTombstoneIsACandidate() {
        NeedleRecord t = tombstone(hlcAt(NOW - GRACE.toMillis() - 1));
        assertEquals(Verdict.CANDIDATE, PurgeRules.verdict(List.of(t), NOW, GRACE));
        // The next record of the scan is another key: nothing beneath.
        NeedleRecord other = rec(NeedleKey.object("b", "l"), hlcAt(1), "x", false, null);
        assertEquals(Verdict.CANDIDATE, PurgeRules.verdict(List.of(t, other), NOW, GRACE));
    }

    @Test
    void aTombstoneYoungerThanTheGracePeriodIsKept() {
        assertEquals(Verdict.TOO_YOUNG, PurgeRules.verdict(List.of(tombstone(hlcAt(NOW - GRACE.toMillis() + 1000))),
                NOW, GRACE));
    }

    @Test
    void liveVersionsAreNotTouched() {
        assertEquals(Verdict.LIVE, PurgeRules.verdict(List.of(rec(KEY, hlcAt(1), "v", false, null)), NOW, GRACE));
    }

    @Test
    void deleteMarkersOfVersionedBucketsAreNeverPurged() {
        NeedleRecord marker = rec(KEY, hlcAt(1), "v1", true, Map.of(PurgeRules.DELETE_MARKER, "1"));
        assertEquals(Verdict.DELETE_MARKER, PurgeRules.verdict(List.of(marker), NOW, GRACE));
    }

    @Test
    void aTombstoneWithVersionsBeneathItIsKeptSoThoseNeverBecomeCurrent() {
        NeedleRecord t = tombstone(hlcAt(2));
        NeedleRecord older = rec(KEY, hlcAt(1), "v1", false, null);
        assertEquals(Verdict.VERSIONS_BENEATH, PurgeRules.verdict(List.of(t, older), NOW, GRACE));
    }

    @Test
    void aReplicaHoldsTheTombstoneANewerVersionOrNothingOrItIsStale() {
        NeedleRecord t = tombstone(hlcAt(5));
        assertEquals(ReplicaState.HOLDS, PurgeRules.replica(t, Optional.of(t)));
        assertEquals(ReplicaState.HOLDS, PurgeRules.replica(t, Optional.of(rec(KEY, hlcAt(6), "n", false, null))));
        assertEquals(ReplicaState.STALE, PurgeRules.replica(t, Optional.of(rec(KEY, hlcAt(4), "o", false, null))));
        assertEquals(ReplicaState.EMPTY, PurgeRules.replica(t, Optional.empty()));
    }

    @Test
    void onlyAStaleOrSilentReplicaBlocksThePurge() {
        assertTrue(PurgeRules.allowPurge(List.of(ReplicaState.HOLDS, ReplicaState.HOLDS)));
        assertTrue(PurgeRules.allowPurge(List.of(ReplicaState.HOLDS, ReplicaState.EMPTY)));
        assertFalse(PurgeRules.allowPurge(List.of(ReplicaState.HOLDS, ReplicaState.STALE)));
        assertFalse(PurgeRules.allowPurge(List.of(ReplicaState.HOLDS, ReplicaState.UNREACHABLE)));
    }

    @Test
    void aPurgeRequestIsDoneWhenNothingOrSomethingNewerIsLeft() {
        long hlc = hlcAt(5);
        assertTrue(PurgeRules.goneOrSuperseded(hlc, "v", Optional.empty()));
        assertTrue(PurgeRules.goneOrSuperseded(hlc, "v", Optional.of(rec(KEY, hlcAt(6), "n", false, null))));
        assertFalse(PurgeRules.goneOrSuperseded(hlc, "v", Optional.of(rec(KEY, hlcAt(4), "o", false, null))));
    }

    @Test
    void chunksArePlacedInTheirOwnNamespace() {
        assertEquals("k", PurgeRules.placementName(KEY));
        assertEquals("CHUNK/k\nv\n0", PurgeRules.placementName(new NeedleKey(NeedleKind.CHUNK, "b", "k\nv\n0")));
    }
}
