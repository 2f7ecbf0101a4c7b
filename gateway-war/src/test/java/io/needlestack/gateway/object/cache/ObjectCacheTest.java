package io.needlestack.gateway.object.cache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.needlestack.storage.store.NeedleKey;
import io.needlestack.storage.store.NeedleKind;
import io.needlestack.storage.store.NeedleRecord;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The read-through logic over real tiers (Caffeine's JCache, real files), with an in-memory source. */
class ObjectCacheTest {

    @TempDir
    Path dir;

    /** Bodies by version id, and how many times each was read from the "storage". */
    private final Map<String, byte[]> bodies = new HashMap<>();
    private final AtomicInteger sourceReads = new AtomicInteger();
    private final ObjectCache.Source source = (r, from, length) -> {
        sourceReads.incrementAndGet();
        byte[] b = bodies.get(r.versionId());
        return new ByteArrayInputStream(b, (int) from, (int) length);
    };
    private ObjectCache cache;

    @AfterEach
    void close() {
        if (cache != null) {
            cache.close();
        }
    }

    private ObjectCache cache(long memory, long memoryMax, long disk, long diskMax) {
        cache = new ObjectCache(new CacheSettings(true, memory, memoryMax, disk, diskMax), dir.resolve("cache"));
        return cache;
    }

    private NeedleRecord record(NeedleKind kind, String name, String version, long hlc, int size, long seed) {
        byte[] data = new byte[size];
        new Random(seed).nextBytes(data);
        bodies.put(version, data);
        return new NeedleRecord(new NeedleKey(kind, "b", name), hlc, version, false, Map.of(), size, md5(data), crc(data), 0, 0,
                0);
    }

    private static byte[] read(InputStream in) throws IOException {
        try (in) {
            return in.readAllBytes();
        }
    }

    private static TierStats tier(ObjectCache c, String name) {
        return c.stats().stream().filter(t -> t.tier().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void aFullMemoryTierWhoseFillsAreNeverReadAgainStopsFillingAndKeepsWhatItHolds() throws IOException {
        // About 60 bodies of 1 KiB fit; every read admitted (min.uses 1); each version read once.
        ObjectCache c = cache(80 << 10, 64 << 10, 0, 0);
        NeedleRecord hot = record(NeedleKind.OBJECT, "hot", "hot", 1, 1024, 1);
        read(c.open(hot, 0, 1024, source, true));
        int cold = 3 * FillThrottle.WINDOW;
        for (int i = 0; i < cold; i++) {
            NeedleRecord r = record(NeedleKind.OBJECT, "k" + i, "v" + i, 2 + i, 1024, 2 + i);
            assertArrayEquals(bodies.get("v" + i), read(c.open(r, 0, 1024, source, true)), "served right, cached or not");
            bodies.remove("v" + i);
        }
        TierStats m = tier(c, "memory");
        assertTrue(m.skipped() > 0, "fills that were never read again throttled the tier: " + m);
        assertTrue(m.evictions() < cold - FillThrottle.WINDOW, "fewer fills, fewer evictions: " + m);

        // A hot set moves in: the sampled fills bring it in, and then it is served from memory.
        int rounds = 0;
        int missed;
        do {
            int before = sourceReads.get();
            for (int k = 0; k < 40; k++) {
                NeedleRecord r = record(NeedleKind.OBJECT, "h" + k, "h" + k, 100_000 + k, 1024, 100_000 + k);
                assertArrayEquals(bodies.get("h" + k), read(c.open(r, 0, 1024, source, true)));
            }
            missed = sourceReads.get() - before;
            rounds++;
        } while (missed > 0 && rounds < 1000);
        assertEquals(0, missed, "a round of the 40 hot keys served from memory after " + rounds + " rounds: "
                + tier(c, "memory"));
    }

    @Test
    void aSmallBodyIsReadOnceThenServedFromMemoryRangesIncluded() throws IOException {
        ObjectCache c = cache(1 << 20, 64 << 10, 0, 0);
        NeedleRecord r = record(NeedleKind.OBJECT, "k", "v1", 1, 4096, 1);
        assertArrayEquals(bodies.get("v1"), read(c.open(r, 0, 4096, source)));
        assertArrayEquals(bodies.get("v1"), read(c.open(r, 0, 4096, source)));
        assertArrayEquals(Arrays.copyOfRange(bodies.get("v1"), 100, 300), read(c.open(r, 100, 200, source)));
        assertEquals(1, sourceReads.get());
        TierStats m = tier(c, "memory");
        assertEquals(2, m.hits());
        assertEquals(1, m.misses());
        assertEquals(1, m.entries());
        assertTrue(m.bytes() >= 4096, "bytes " + m.bytes());
    }

    @Test
    void withMinUsesTwoAVersionReadOnceIsStreamedAndOnlyTheSecondReadFillsTheCache() throws IOException {
        cache = new ObjectCache(new CacheSettings(true, 1 << 20, 64 << 10, 8 << 20, 1 << 20, false, 2),
                dir.resolve("cache"));
        NeedleRecord small = record(NeedleKind.OBJECT, "s", "v1", 1, 4096, 21);
        NeedleRecord big = record(NeedleKind.OBJECT, "b", "v2", 1, 200_000, 22);
        for (int i = 0; i < 3; i++) {
            assertArrayEquals(Arrays.copyOfRange(bodies.get("v1"), 10, 4000), read(cache.open(small, 10, 3990, source)));
            assertArrayEquals(bodies.get("v2"), read(cache.open(big, 0, 200_000, source)));
            // Nothing is kept after the first read; the second reads the whole body into the cache.
            assertEquals(i == 0 ? 0 : 1, tier(cache, "memory").entries(), "after read " + (i + 1));
            assertEquals(i == 0 ? 0 : 1, tier(cache, "disk").entries(), "after read " + (i + 1));
        }
        assertEquals(4, sourceReads.get(), "two reads of each from the source, the third from the cache");
        assertEquals(1, tier(cache, "memory").hits());
        assertEquals(1, tier(cache, "disk").hits());
    }

    @Test
    void withMinUsesTwoAScanOfDistinctVersionsCachesNothingAndEvictsNothing() throws IOException {
        cache = new ObjectCache(new CacheSettings(true, 1 << 20, 64 << 10, 0, 0, false, 2), dir.resolve("cache"));
        NeedleRecord hot = record(NeedleKind.OBJECT, "hot", "h", 1, 1000, 30);
        read(cache.open(hot, 0, 1000, source));
        read(cache.open(hot, 0, 1000, source));
        for (int i = 0; i < 2_000; i++) {
            NeedleRecord once = record(NeedleKind.OBJECT, "scan/" + i, "s" + i, i, 1000, 1000 + i);
            assertArrayEquals(bodies.get("s" + i), read(cache.open(once, 0, 1000, source)));
        }
        TierStats m = tier(cache, "memory");
        assertEquals(1, m.entries(), "only the version read twice");
        assertEquals(0, m.evictions());
        int before = sourceReads.get();
        read(cache.open(hot, 0, 1000, source));
        assertEquals(before, sourceReads.get(), "the hot version survived the scan");
    }

    @Test
    void minUsesOutsideOneTo255IsRefusedWithTheSettingsName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new CacheSettings(true, 1, 1, 0, 0, false, 0));
        assertTrue(e.getMessage().contains("needlestack.cache.min.uses"), e.getMessage());
    }

    @Test
    void localDataIsKeptInMemoryWhenSmallButNeverCopiedToDiskUnlessAsked() throws IOException {
        ObjectCache c = cache(1 << 20, 64 << 10, 8 << 20, 1 << 20);
        NeedleRecord small = record(NeedleKind.OBJECT, "s", "v1", 1, 4096, 7);
        NeedleRecord big = record(NeedleKind.OBJECT, "b", "v2", 1, 200_000, 8);
        NeedleRecord limit = record(NeedleKind.OBJECT, "l", "v3", 1, 64 << 10, 9);
        for (int i = 0; i < 2; i++) {
            assertArrayEquals(bodies.get("v1"), read(c.open(small, 0, 4096, source, true)));
            assertArrayEquals(bodies.get("v2"), read(c.open(big, 0, 200_000, source, true)));
            assertArrayEquals(bodies.get("v3"), read(c.open(limit, 0, 64 << 10, source, true)));
        }
        assertEquals(1, tier(c, "memory").entries(), "only the body under the memory limit");
        assertEquals(0, tier(c, "disk").entries(), "no disk copy of local data");
        assertEquals(1 + 2 + 2, sourceReads.get());

        // The same body fetched from another node is worth a disk copy.
        assertArrayEquals(bodies.get("v2"), read(c.open(big, 0, 200_000, source, false)));
        assertArrayEquals(bodies.get("v2"), read(c.open(big, 0, 200_000, source, false)));
        assertEquals(1, tier(c, "disk").entries());
        assertEquals(1, tier(c, "disk").hits());
    }

    @Test
    void diskLocalCopiesLocalDataToDiskToo() throws IOException {
        cache = new ObjectCache(new CacheSettings(true, 1 << 20, 64 << 10, 8 << 20, 1 << 20, true), dir.resolve("cache"));
        NeedleRecord big = record(NeedleKind.OBJECT, "b", "v2", 1, 200_000, 8);
        assertArrayEquals(bodies.get("v2"), read(cache.open(big, 0, 200_000, source, true)));
        assertArrayEquals(bodies.get("v2"), read(cache.open(big, 0, 200_000, source, true)));
        assertEquals(1, tier(cache, "disk").hits());
    }

    @Test
    void aRangeMissFillsTheWholeBodyAndServesTheRange() throws IOException {
        ObjectCache c = cache(1 << 20, 64 << 10, 0, 0);
        NeedleRecord r = record(NeedleKind.OBJECT, "k", "v1", 1, 5000, 2);
        assertArrayEquals(Arrays.copyOfRange(bodies.get("v1"), 4000, 5000), read(c.open(r, 4000, 1000, source)));
        assertArrayEquals(bodies.get("v1"), read(c.open(r, 0, 5000, source)));
        assertEquals(1, sourceReads.get());
    }

    @Test
    void anotherVersionOfTheSameKeyIsNeverServedFromTheOldEntry() throws IOException {
        ObjectCache c = cache(1 << 20, 64 << 10, 1 << 20, 256 << 10);
        NeedleRecord v1 = record(NeedleKind.OBJECT, "k", "v1", 1, 4096, 3);
        NeedleRecord v2 = record(NeedleKind.OBJECT, "k", "v2", 2, 4096, 4);
        read(c.open(v1, 0, 4096, source));
        assertArrayEquals(bodies.get("v2"), read(c.open(v2, 0, 4096, source)));
        // Same version id but another HLC or MD5 is another version too.
        NeedleRecord sameIdOtherHlc = new NeedleRecord(v2.key(), 3, "v2", false, Map.of(), 4096, v2.md5Hex(), v2.crc32c(), 0, 0, 0);
        read(c.open(sameIdOtherHlc, 0, 4096, source));
        assertEquals(3, sourceReads.get());
        assertEquals(1, tier(c, "memory").entries(), "one entry per name");
        // Larger bodies on disk: the same rule.
        NeedleRecord big1 = record(NeedleKind.OBJECT, "big", "b1", 1, 100_000, 5);
        NeedleRecord big2 = record(NeedleKind.OBJECT, "big", "b2", 2, 100_000, 6);
        assertArrayEquals(bodies.get("b1"), read(c.open(big1, 0, 100_000, source)));
        assertArrayEquals(bodies.get("b2"), read(c.open(big2, 0, 100_000, source)));
        assertArrayEquals(bodies.get("b2"), read(c.open(big2, 0, 100_000, source)));
        assertEquals(1, tier(c, "disk").entries());
        assertEquals(1, tier(c, "disk").hits());
        assertEquals(2, tier(c, "disk").misses());
    }

    @Test
    void largerBodiesAndChunksGoToDiskAndRangesAreServedFromTheFile() throws IOException {
        ObjectCache c = cache(1 << 20, 1024, 1 << 20, 512 << 10);
        NeedleRecord chunk = record(NeedleKind.CHUNK, "k\nv\n0", "null", 7, 300_000, 7);
        byte[] body = bodies.get("null");
        assertArrayEquals(body, read(c.open(chunk, 0, body.length, source)));
        assertArrayEquals(Arrays.copyOfRange(body, 123_456, 223_456), read(c.open(chunk, 123_456, 100_000, source)));
        assertEquals(1, sourceReads.get());
        assertEquals(0, tier(c, "memory").entries());
        assertEquals(300_000, tier(c, "disk").bytes());
        try (Stream<Path> files = Files.list(dir.resolve("cache"))) {
            assertEquals(1, files.count());
        }
    }

    @Test
    void aDamagedDiskFileIsDroppedAndReadAgainNeverServed() throws IOException {
        ObjectCache c = cache(0, 0, 1 << 20, 512 << 10);
        NeedleRecord r = record(NeedleKind.OBJECT, "k", "v1", 1, 50_000, 8);
        read(c.open(r, 0, 50_000, source));
        Path file;
        try (Stream<Path> files = Files.list(dir.resolve("cache"))) {
            file = files.findFirst().orElseThrow();
        }
        byte[] damaged = Files.readAllBytes(file);
        damaged[1000] ^= 1;
        Files.write(file, damaged);
        assertArrayEquals(bodies.get("v1"), read(c.open(r, 0, 50_000, source)));
        assertEquals(2, sourceReads.get());
        assertArrayEquals(bodies.get("v1"), read(c.open(r, 0, 50_000, source)));
        assertEquals(2, sourceReads.get(), "refilled after the damaged copy was dropped");
    }

    @Test
    void aBodyThatDoesNotMatchItsMd5IsServedButNeverCached() throws IOException {
        ObjectCache c = cache(1 << 20, 64 << 10, 1 << 20, 512 << 10);
        NeedleRecord small = record(NeedleKind.OBJECT, "s", "v1", 1, 1000, 9);
        NeedleRecord lying = new NeedleRecord(small.key(), 1, "v1", false, Map.of(), 1000, md5(new byte[1]), crc(new byte[1]), 0, 0, 0);
        read(c.open(lying, 0, 1000, source));
        read(c.open(lying, 0, 1000, source));
        assertEquals(0, tier(c, "memory").entries());
        NeedleRecord big = record(NeedleKind.OBJECT, "b", "v2", 1, 100_000, 10);
        NeedleRecord bigLying = new NeedleRecord(big.key(), 1, "v2", false, Map.of(), 100_000, md5(new byte[1]), crc(new byte[1]), 0, 0, 0);
        read(c.open(bigLying, 0, 100_000, source));
        assertEquals(0, tier(c, "disk").entries());
        try (Stream<Path> files = Files.list(dir.resolve("cache"))) {
            assertEquals(0, files.count(), "no partial file left behind");
        }
    }

    @Test
    void theMemoryTierStaysWithinItsBytes() throws IOException {
        ObjectCache c = cache(200_000, 64 << 10, 0, 0);
        for (int i = 0; i < 50; i++) {
            NeedleRecord r = record(NeedleKind.OBJECT, "k" + i, "v" + i, i, 10_000, i);
            read(c.open(r, 0, 10_000, source));
        }
        TierStats m = tier(c, "memory");
        assertTrue(m.bytes() <= 200_000, "bytes " + m.bytes());
        assertTrue(m.evictions() >= 30, "evictions " + m.evictions());
        assertTrue(m.entries() <= 200_000 / 10_000, "entries " + m.entries());
    }

    @Test
    void tombstonesPartsEmptyOversizedAndDisabledGoStraightToTheSource() throws IOException {
        ObjectCache c = cache(1 << 20, 1024, 1 << 20, 8192);
        NeedleRecord part = record(NeedleKind.PART, "p", "p1", 1, 100, 11);
        NeedleRecord huge = record(NeedleKind.OBJECT, "h", "h1", 1, 10_000, 12);
        for (int i = 0; i < 2; i++) {
            read(c.open(part, 0, 100, source));
            read(c.open(huge, 0, 10_000, source));
        }
        assertEquals(4, sourceReads.get());
        c.close();
        cache = new ObjectCache(new CacheSettings(false, 1 << 20, 1 << 20, 1 << 20, 1 << 20), dir.resolve("off"));
        NeedleRecord r = record(NeedleKind.OBJECT, "k", "v", 1, 100, 13);
        read(cache.open(r, 0, 100, source));
        read(cache.open(r, 0, 100, source));
        assertEquals(6, sourceReads.get());
        assertEquals(List.of(0L, 0L), cache.stats().stream().map(TierStats::hits).toList());
    }

    @Test
    void versionKeysDifferInEveryPartAndFileNamesAreSafe() {
        VersionKey k = new VersionKey(NeedleKind.OBJECT, "b", "a/../k\n", "v", 1, "00", 0);
        List<VersionKey> others = List.of(new VersionKey(NeedleKind.CHUNK, "b", "a/../k\n", "v", 1, "00", 0),
                new VersionKey(NeedleKind.OBJECT, "c", "a/../k\n", "v", 1, "00", 0),
                new VersionKey(NeedleKind.OBJECT, "b", "a/../k", "v", 1, "00", 0),
                new VersionKey(NeedleKind.OBJECT, "b", "a/../k\n", "w", 1, "00", 0),
                new VersionKey(NeedleKind.OBJECT, "b", "a/../k\n", "v", 2, "00", 0),
                new VersionKey(NeedleKind.OBJECT, "b", "a/../k\n", "v", 1, "01", 0));
        for (VersionKey o : others) {
            assertNotEquals(k.fileName(), o.fileName(), o.toString());
        }
        assertEquals(k.slot(), others.get(3).slot(), "versions of one name share a slot");
        assertNotEquals(k.slot(), others.get(0).slot());
        assertTrue(k.fileName().matches("[0-9a-f]{64}"));
    }

    static int crc(byte[] data) {
        java.util.zip.CRC32C c = new java.util.zip.CRC32C();
        c.update(data);
        return (int) c.getValue();
    }

    static String md5(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(data));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
