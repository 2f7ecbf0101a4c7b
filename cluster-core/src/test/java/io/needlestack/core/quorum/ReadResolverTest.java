package io.needlestack.core.quorum;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ReadResolverTest {

    private final ReadResolver r2 = ReadResolver.of(ConsistencyLevels.CLUSTER_DEFAULT);

    private static ReplicaVersion v(long hlc, String id) {
        return new ReplicaVersion(hlc, id, false, "md5-" + hlc + id);
    }

    @Test
    void newestHlcWinsAndTheOthersAreStale() {
        ReadResolution res = r2.resolve(List.of(
                ReplicaAnswer.of("a", v(100, "x")),
                ReplicaAnswer.of("b", v(200, "y")),
                ReplicaAnswer.of("c", v(200, "y"))));
        assertEquals(Optional.of(v(200, "y")), res.newest());
        assertEquals(List.of("b", "c"), res.current());
        assertEquals(List.of("a"), res.stale());
        assertTrue(res.found());
        assertTrue(res.needsRepair());
        assertFalse(res.degraded());
        assertEquals(3, res.answered());
    }

    @Test
    void versionIdBreaksAnHlcTie() {
        ReadResolution res = r2.resolve(List.of(ReplicaAnswer.of("a", v(7, "b")), ReplicaAnswer.of("b", v(7, "a"))));
        assertEquals("b", res.newest().orElseThrow().versionId());
        assertEquals(List.of("b"), res.stale());
        // The same tie resolved in the other order gives the same winner.
        ReadResolution swapped = r2.resolve(List.of(ReplicaAnswer.of("b", v(7, "a")), ReplicaAnswer.of("a", v(7, "b"))));
        assertEquals(res.newest(), swapped.newest());
    }

    @Test
    void aNewerTombstoneWinsAndMissingReplicasGetIt() {
        ReplicaVersion tombstone = new ReplicaVersion(300, "z", true, null);
        ReadResolution res = r2.resolve(List.of(
                ReplicaAnswer.of("a", v(200, "y")),
                ReplicaAnswer.of("b", tombstone),
                ReplicaAnswer.absent("c")));
        assertTrue(res.deleted());
        assertFalse(res.found());
        assertEquals(List.of("b"), res.current());
        assertEquals(List.of("a", "c"), res.stale(), "the tombstone must reach every replica");
        assertTrue(new ReplicaVersion(5, "v", true, "").isNewerThan(new ReplicaVersion(5, "v", false, "abc")),
                "a delete in the same tick as a write is not undone");
    }

    @Test
    void anOlderTombstoneLoses() {
        ReadResolution res = r2.resolve(List.of(
                ReplicaAnswer.of("a", new ReplicaVersion(100, "x", true, "")),
                ReplicaAnswer.of("b", v(150, "w"))));
        assertTrue(res.found());
        assertEquals(List.of("a"), res.stale());
    }

    @Test
    void replicaWithoutTheObjectIsStale() {
        ReadResolution res = r2.resolve(List.of(ReplicaAnswer.absent("a"), ReplicaAnswer.of("b", v(10, "v"))));
        assertTrue(res.found());
        assertEquals(List.of("a"), res.stale());
    }

    @Test
    void nobodyHoldsIt() {
        ReadResolution res = r2.resolve(List.of(ReplicaAnswer.absent("a"), ReplicaAnswer.absent("b")));
        assertEquals(Optional.empty(), res.newest());
        assertFalse(res.found());
        assertFalse(res.deleted());
        assertFalse(res.needsRepair());
        assertEquals(List.of("a", "b"), res.current());
    }

    @Test
    void sameVersionDifferentChecksumIsRepairedToOneChoiceEverywhere() {
        ReplicaVersion good = new ReplicaVersion(10, "v", false, "aaaa");
        ReplicaVersion other = new ReplicaVersion(10, "v", false, "bbbb");
        ReadResolution res = r2.resolve(List.of(ReplicaAnswer.of("a", good), ReplicaAnswer.of("b", other)));
        assertEquals(other, res.newest().orElseThrow(), "total order: the larger checksum, on every node");
        assertEquals(List.of("a"), res.stale());
    }

    @Test
    void fewerThanRAnswersIsDegraded() {
        ReadResolution one = r2.resolve(List.of(ReplicaAnswer.of("a", v(1, "v"))));
        assertTrue(one.degraded());
        assertTrue(one.found());
        assertFalse(new ReadResolver(1).resolve(List.of(ReplicaAnswer.of("a", v(1, "v")))).degraded());
        ReadResolution none = r2.resolve(List.of());
        assertTrue(none.degraded());
        assertEquals(0, none.answered());
    }

    @Test
    void refusesBadInput() {
        assertThrows(IllegalArgumentException.class,
                () -> r2.resolve(List.of(ReplicaAnswer.absent("a"), ReplicaAnswer.of("a", v(1, "v")))));
        assertThrows(IllegalArgumentException.class, () -> new ReadResolver(0));
        assertThrows(IllegalArgumentException.class, () -> ReplicaAnswer.absent(" "));
    }
}
