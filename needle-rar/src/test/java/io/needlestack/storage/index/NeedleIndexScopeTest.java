package io.needlestack.storage.index;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.needlestack.storage.store.NeedleKey;
import io.needlestack.storage.store.NeedleKind;
import io.needlestack.storage.store.NeedleRecord;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The index's reads of one key or one listing scope stop where that scope ends: next to a range
 * whose entries were all dropped (a range handed away by a rebalance, purged tombstones), and
 * next to neighbours that share a longer name, they answer exactly the scope's entries.
 */
class NeedleIndexScopeTest {

    @TempDir
    Path dir;

    private static NeedleRecord version(String bucket, String name, long hlc) {
        return new NeedleRecord(new NeedleKey(NeedleKind.OBJECT, bucket, name), hlc, "v" + hlc, false,
                Map.of("content-type", "text/plain"), 4, "0".repeat(32), 0, 1, hlc * 100, 100);
    }

    @Test
    void successorIsTheFirstKeyAfterEveryKeyWithThePrefix() {
        assertArrayEquals(new byte[] {1, 2, 4}, IndexCodec.successor(new byte[] {1, 2, 3}));
        assertArrayEquals(new byte[] {1, 3}, IndexCodec.successor(new byte[] {1, 2, (byte) 0xFF, (byte) 0xFF}));
        assertArrayEquals(new byte[] {'o', 'b', 0x01}, IndexCodec.successor(new byte[] {'o', 'b', 0x00}));
        assertNull(IndexCodec.successor(new byte[] {(byte) 0xFF}));
        assertNull(IndexCodec.successor(new byte[0]));
    }

    @Test
    void lookupsAndListingsBesideADroppedRangeSeeOnlyTheirOwnScope() throws Exception {
        try (NeedleIndex index = NeedleIndex.open(dir.resolve("index"), dir.resolve("native"), 8 << 20, 4 << 20)) {
            // A range of 20,000 names whose entries are then all dropped, right after "m/".
            for (int i = 0; i < 20_000; i++) {
                index.apply(version("b", String.format("n/%05d", i), 10), true, 1, i + 1);
            }
            for (int i = 0; i < 20_000; i++) {
                assertTrue(index.drop(new NeedleKey(NeedleKind.OBJECT, "b", String.format("n/%05d", i)), 10, "v10"));
            }
            index.apply(version("b", "m/a", 20), true, 1, 20_001);
            index.apply(version("b", "m/a", 30), false, 1, 20_002);
            index.apply(version("b", "m/ab", 20), true, 1, 20_003);
            index.apply(version("b", "z", 20), true, 1, 20_004);

            // A new key just before the dropped range: nothing found, the write indexed as newest.
            NeedleRecord fresh = version("b", "m/b", 40);
            assertTrue(index.apply(fresh, true, 1, 20_005).applied());
            assertEquals(Optional.of(fresh), index.newest(fresh.key()));
            assertEquals(Optional.empty(), index.newest(new NeedleKey(NeedleKind.OBJECT, "b", "m/c")));
            assertEquals(Optional.empty(), index.newest(new NeedleKey(NeedleKind.OBJECT, "b", "n/00001")));
            // "m/a" has two versions; "m/ab" starts with the same bytes and is another key.
            assertEquals(30, index.newest(new NeedleKey(NeedleKind.OBJECT, "b", "m/a")).orElseThrow().hlc());
            assertTrue(index.version(new NeedleKey(NeedleKind.OBJECT, "b", "m/a"), "v20").isPresent());
            assertTrue(index.version(new NeedleKey(NeedleKind.OBJECT, "b", "m/ab"), "v30").isEmpty());

            List<String> names = index.list(NeedleKind.OBJECT, "b", "m/", null, 100, false).stream()
                    .map(r -> r.key().name()).toList();
            assertEquals(List.of("m/a", "m/ab", "m/b"), names);
            assertEquals(List.of(), index.list(NeedleKind.OBJECT, "b", "n/", null, 100, true));
            List<String> all = index.list(NeedleKind.OBJECT, "b", "", "m/ab", 100, false).stream()
                    .map(r -> r.key().name()).toList();
            assertEquals(List.of("m/b", "z"), all);
            // Another bucket whose name extends this one's is not in this bucket's scope.
            index.apply(version("b2", "a", 20), true, 1, 20_006);
            assertEquals(List.of("m/a", "m/ab", "m/b", "z"), index.list(NeedleKind.OBJECT, "b", "", null, 100, false)
                    .stream().map(r -> r.key().name()).toList());
        }
    }
}
