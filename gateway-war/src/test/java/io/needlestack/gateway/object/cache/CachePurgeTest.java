package io.needlestack.gateway.object.cache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.needlestack.storage.store.NeedleKey;
import io.needlestack.storage.store.NeedleKind;
import io.needlestack.storage.store.NeedleRecord;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ObjectCache#purge} over real tiers (Caffeine's JCache, real files): an object's own entry
 * and its chunks' go, whatever version they hold, from both tiers; other keys, also keys that
 * start like it, stay; a purge is not an eviction.
 */
class CachePurgeTest {

    @TempDir
    Path dir;

    private final Map<String, byte[]> bodies = new HashMap<>();
    private final AtomicInteger sourceReads = new AtomicInteger();
    private final ObjectCache.Source source = (r, from, length) -> {
        sourceReads.incrementAndGet();
        return new ByteArrayInputStream(bodies.get(r.versionId()), (int) from, (int) length);
    };
    private ObjectCache cache;

    @AfterEach
    void close() {
        if (cache != null) {
            cache.close();
        }
    }

    @Test
    void purgeDropsTheObjectFromMemoryWhateverVersionAndLeavesOtherKeys() throws IOException {
        // Every read admitted (min.uses 1): the first read fills.
        cache = new ObjectCache(new CacheSettings(true, 1 << 20, 64 << 10, 0, 0), dir.resolve("cache"));
        NeedleRecord k = record(NeedleKind.OBJECT, "photos/a.jpg", "v1", 1, 4096);
        NeedleRecord longer = record(NeedleKind.OBJECT, "photos/a.jpg.bak", "v2", 2, 4096);
        NeedleRecord otherBucket = new NeedleRecord(NeedleKey.object("other", "photos/a.jpg"), 3, "v3", false,
                Map.of(), 4096, md5(body("v3", 4096)), crc(bodies.get("v3")), 0, 0, 0);
        for (NeedleRecord r : new NeedleRecord[] {k, longer, otherBucket}) {
            read(r);
            read(r);
        }
        assertEquals(3, sourceReads.get(), "each read once from the source, then from memory");
        assertEquals(3, tier("memory").entries());

        assertEquals(new ObjectCache.Purged(1, 0), cache.purge("b", "photos/a.jpg"));
        assertEquals(2, tier("memory").entries());
        assertEquals(0, tier("memory").evictions(), "a purge is not an eviction");
        assertEquals(new ObjectCache.Purged(0, 0), cache.purge("b", "photos/a.jpg"), "nothing left to purge");

        int before = sourceReads.get();
        assertArrayEquals(bodies.get("v1"), read(k));
        assertEquals(before + 1, sourceReads.get(), "the purged object is read from the source again");
        read(longer);
        read(otherBucket);
        assertEquals(before + 1, sourceReads.get(), "the other keys are still served from memory");
    }

    @Test
    void purgeDropsTheObjectAndItsChunksFromDiskAndUnlinksTheirFiles() throws IOException {
        cache = new ObjectCache(new CacheSettings(true, 1 << 20, 64 << 10, 16 << 20, 8 << 20), dir.resolve("cache"));
        NeedleRecord object = record(NeedleKind.OBJECT, "big", "o1", 1, 200_000);
        NeedleRecord chunk0 = record(NeedleKind.CHUNK, "big\nv9\n0", "c0", 2, 300_000);
        NeedleRecord chunk1 = record(NeedleKind.CHUNK, "big\nv9\n1", "c1", 3, 100_000);
        NeedleRecord part = record(NeedleKind.CHUNK, "big\nupload7\n00001\n0\n0", "c2", 4, 100_000);
        // Keys that start like "big" but are other objects: theirs stay.
        NeedleRecord otherChunk = record(NeedleKind.CHUNK, "bigger\nv9\n0", "c3", 5, 100_000);
        NeedleRecord otherObject = record(NeedleKind.OBJECT, "big2", "o2", 6, 200_000);
        NeedleRecord[] all = {object, chunk0, chunk1, part, otherChunk, otherObject};
        for (NeedleRecord r : all) {
            read(r);
        }
        assertEquals(6, tier("disk").entries());
        assertEquals(6, files());

        assertEquals(new ObjectCache.Purged(0, 4), cache.purge("b", "big"));
        assertEquals(2, tier("disk").entries());
        assertEquals(300_000, tier("disk").bytes(), "the bytes of the two entries left");
        assertEquals(2, files(), "the purged entries' files are unlinked");
        assertEquals(0, tier("disk").evictions(), "a purge is not an eviction");

        int before = sourceReads.get();
        for (NeedleRecord r : all) {
            assertArrayEquals(bodies.get(r.versionId()), read(r));
        }
        assertEquals(before + 4, sourceReads.get(), "the object and its three chunks from the source, the rest from disk");
    }

    @Test
    void aSwitchedOffCacheHasNothingToPurge() {
        cache = new ObjectCache(new CacheSettings(false, 1 << 20, 64 << 10, 16 << 20, 8 << 20), dir.resolve("cache"));
        assertEquals(new ObjectCache.Purged(0, 0), cache.purge("b", "k"));
    }

    // ---- helpers -------------------------------------------------------------------------------

    private byte[] body(String version, int size) {
        byte[] data = new byte[size];
        new Random(version.hashCode()).nextBytes(data);
        bodies.put(version, data);
        return data;
    }

    private NeedleRecord record(NeedleKind kind, String name, String version, long hlc, int size) {
        byte[] data = body(version, size);
        return new NeedleRecord(new NeedleKey(kind, "b", name), hlc, version, false, Map.of(), size, md5(data),
                crc(data), 0, 0, 0);
    }

    private byte[] read(NeedleRecord r) throws IOException {
        try (InputStream in = cache.open(r, 0, r.dataLength(), source)) {
            return in.readAllBytes();
        }
    }

    private TierStats tier(String name) {
        return cache.stats().stream().filter(t -> t.tier().equals(name)).findFirst().orElseThrow();
    }

    private long files() throws IOException {
        try (Stream<Path> s = Files.list(dir.resolve("cache"))) {
            return s.count();
        }
    }

    private static String md5(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(data));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static int crc(byte[] data) {
        CRC32C c = new CRC32C();
        c.update(data);
        return (int) c.getValue();
    }
}
