package io.needlestack.gateway.recovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.needlestack.storage.store.NeedleKey;
import io.needlestack.storage.store.NeedleKind;
import io.needlestack.storage.store.NeedleRecord;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Range digests, the diff of two replicas' holdings, the newest-per-key walk and their JSON. */
class AntiEntropyTest {

    private static Holding h(String name, long hlc, boolean tombstone) {
        return new Holding(NeedleKey.object("b", name), hlc, "v" + hlc, tombstone);
    }

    private static SegmentDigests digest(List<Holding> hs) {
        SegmentDigests d = new SegmentDigests();
        hs.forEach(d::add);
        return d;
    }

    @Test
    void equalHoldingsGiveEqualDigestsWhateverTheOrder() {
        List<Holding> a = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            a.add(h("k" + i, 100 + i, i % 7 == 0));
        }
        List<Holding> b = new ArrayList<>(a);
        Collections.shuffle(b, new java.util.Random(1));
        assertTrue(digest(a).differing(digest(b)).isEmpty());
        assertTrue(digest(a).nonEmpty() > 100, "500 names spread over many sub-ranges");
    }

    @Test
    void aMissingStaleOrDeletedNeedleChangesExactlyItsSubRange() {
        List<Holding> base = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            base.add(h("k" + i, 100, false));
        }
        for (Holding changed : List.of(h("k5", 101, false), h("k5", 100, true),
                new Holding(NeedleKey.object("b", "k5"), 100, "other", false))) {
            List<Holding> other = new ArrayList<>(base);
            other.set(5, changed);
            BitSet diff = digest(base).differing(digest(other));
            assertEquals(1, diff.cardinality(), changed.toString());
            assertTrue(diff.get(SegmentDigests.segment(Placement.token(changed.key()))));
        }
        List<Holding> missing = new ArrayList<>(base);
        missing.remove(7);
        assertEquals(1, digest(base).differing(digest(missing)).cardinality());
        assertEquals(digest(base).nonEmpty(), digest(base).differing(new SegmentDigests()).cardinality(),
                "a wiped node differs in every sub-range that holds anything");
    }

    @Test
    void chunksArePlacedInTheirOwnNamespace() {
        NeedleKey object = NeedleKey.object("b", "x");
        NeedleKey chunk = new NeedleKey(NeedleKind.CHUNK, "b", "x");
        assertEquals("CHUNK/x", Placement.ringName(chunk));
        assertTrue(!Placement.token(object).equals(Placement.token(chunk)));
    }

    @Test
    void theNewestVersionWinsBothWaysAndTombstonesTravel() {
        List<Holding> mine = List.of(h("same", 5, false), h("mineNewer", 9, false), h("onlyMine", 3, false),
                h("deletedHere", 8, true), h("theirsNewer", 4, false));
        List<Holding> theirs = List.of(h("same", 5, false), h("mineNewer", 2, false), h("onlyTheirs", 1, false),
                h("deletedHere", 6, false), h("theirsNewer", 7, true));
        HoldingsDiff d = HoldingsDiff.of(mine, theirs);
        assertEquals(Set.of("onlyTheirs", "theirsNewer"), names(d.pull()));
        assertEquals(Set.of("mineNewer", "onlyMine", "deletedHere"), names(d.push()));
        assertTrue(d.pull().stream().anyMatch(x -> x.key().name().equals("theirsNewer") && x.tombstone()));
        assertTrue(HoldingsDiff.of(mine, mine).isEmpty());
        HoldingsDiff wiped = HoldingsDiff.of(List.of(), theirs);
        assertEquals(theirs.size(), wiped.pull().size());
        assertTrue(wiped.push().isEmpty());
    }

    @Test
    void equalHlcIsDecidedByVersionId() {
        Holding a = new Holding(NeedleKey.object("b", "k"), 5, "a", false);
        Holding b = new Holding(NeedleKey.object("b", "k"), 5, "b", false);
        HoldingsDiff d = HoldingsDiff.of(List.of(a), List.of(b));
        assertEquals(List.of(b), d.pull());
        assertTrue(d.push().isEmpty());
    }

    private static Set<String> names(List<Holding> hs) {
        return hs.stream().map(x -> x.key().name()).collect(Collectors.toSet());
    }

    /** A store's scan over a sorted list of versions (key order, newest first within a key). */
    private static Holdings.Scan scanOver(List<NeedleRecord> versions) {
        return (after, limit) -> {
            int from = 0;
            if (after != null) {
                for (int i = 0; i < versions.size(); i++) {
                    NeedleRecord v = versions.get(i);
                    if (v.key().equals(after.key()) && v.hlc() == after.hlc() && v.versionId().equals(after.versionId())) {
                        from = i + 1;
                    }
                }
            }
            return versions.subList(from, Math.min(versions.size(), from + limit));
        };
    }

    private static NeedleRecord rec(String name, long hlc) {
        return new NeedleRecord(NeedleKey.object("b", name), hlc, "v" + hlc, false, null, 1, "md5", 0, 0, 0, 0);
    }

    @Test
    void theWalkYieldsTheNewestVersionOfEachNeedleOnceAcrossPages() {
        List<NeedleRecord> versions = new ArrayList<>();
        for (int i = 0; i < 1500; i++) {
            String name = String.format("k%05d", i);
            versions.add(rec(name, 30));
            if (i % 3 == 0) {
                versions.add(rec(name, 20));
                versions.add(rec(name, 10));
            }
        }
        List<Holding> seen = new ArrayList<>();
        assertNull(Holdings.walk(scanOver(versions), null, x -> true, (x, r) -> seen.add(x)));
        assertEquals(1500, seen.size());
        assertTrue(seen.stream().allMatch(x -> x.hlc() == 30));
        // Stopped and resumed: nothing twice, nothing lost, older versions of the stop key skipped.
        List<Holding> paged = new ArrayList<>();
        NeedleRecord cursor = null;
        do {
            List<Holding> page = new ArrayList<>();
            cursor = Holdings.walk(scanOver(versions), cursor, x -> true, (x, r) -> {
                page.add(x);
                return page.size() < 100;
            });
            paged.addAll(page);
        } while (cursor != null);
        assertEquals(seen, paged);
    }

    @Test
    void digestsAndEntriesSurviveTheirJson() {
        List<Holding> hs = List.of(h("a", 1, false), h("b/c d\u00e9", Long.MAX_VALUE, true));
        SegmentDigests d = digest(hs);
        assertTrue(d.differing(RecoveryJson.readDigests(RecoveryJson.digests("ring", d))).isEmpty());
        NeedleRecord next = rec("z", 7);
        RecoveryJson.EntryPage page = RecoveryJson.readEntries(RecoveryJson.entries(hs, next));
        assertEquals(hs, page.entries());
        assertNotNull(page.next());
        assertEquals(next.key(), page.next().key());
        assertEquals(7, page.next().hlc());
        assertNull(RecoveryJson.readEntries(RecoveryJson.entries(hs, null)).next());
    }
}
