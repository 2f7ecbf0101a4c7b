package io.needlestack.gateway.object.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.needlestack.storage.store.NeedleKind;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bounds, LRU order, replacement and start-up of the disk tier, on real files. */
class DiskTierTest {

    @TempDir
    Path dir;

    private static VersionKey key(String name, String version, byte[] data) {
        return new VersionKey(NeedleKind.OBJECT, "b", name, version, 1, ObjectCacheTest.md5(data),
                ObjectCacheTest.crc(data));
    }

    private static boolean store(DiskTier t, VersionKey k, byte[] data) throws IOException {
        return t.store(k, new ByteArrayInputStream(data), data.length);
    }

    private static boolean held(DiskTier t, VersionKey k) throws IOException {
        Optional<FileChannel> ch = t.open(k);
        if (ch.isPresent()) {
            ch.get().close();
        }
        return ch.isPresent();
    }

    private long files() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.count();
        }
    }

    @Test
    void leastRecentlyUsedIsEvictedFirstAndTheBoundHolds() throws IOException {
        DiskTier t = new DiskTier(dir, 3000);
        byte[] d = new byte[1000];
        VersionKey a = key("a", "1", d);
        VersionKey b = key("b", "1", d);
        VersionKey c = key("c", "1", d);
        VersionKey e = key("e", "1", d);
        assertTrue(store(t, a, d));
        assertTrue(store(t, b, d));
        assertTrue(store(t, c, d));
        assertTrue(held(t, a), "a used: b is now the eldest");
        assertTrue(store(t, e, d));
        assertFalse(held(t, b));
        assertTrue(held(t, a) && held(t, c) && held(t, e));
        assertEquals(3000, t.bytes());
        assertEquals(1, t.evictions());
        assertEquals(3, files());
    }

    @Test
    void aNewVersionReplacesTheOldOneAndTooLargeOrWrongBodiesAreRefused() throws IOException {
        DiskTier t = new DiskTier(dir, 3000);
        byte[] v1 = new byte[1000];
        byte[] v2 = new byte[800];
        v2[0] = 1;
        VersionKey k1 = key("k", "1", v1);
        VersionKey k2 = key("k", "2", v2);
        assertTrue(store(t, k1, v1));
        assertTrue(store(t, k2, v2));
        assertFalse(held(t, k1));
        assertTrue(held(t, k2));
        assertEquals(800, t.bytes());
        assertEquals(1, files());
        assertFalse(store(t, key("big", "1", new byte[3001]), new byte[3001]));
        assertFalse(t.store(key("short", "1", v1), new ByteArrayInputStream(v1, 0, 999), 1000));
        assertFalse(store(t, key("wrong", "1", v2), v1));
        assertEquals(1, files(), "refused bodies leave no file");
        assertEquals(1, t.entries());
    }

    @Test
    void startingEmptiesTheDirectory() throws IOException {
        DiskTier t = new DiskTier(dir, 3000);
        byte[] d = new byte[10];
        store(t, key("k", "1", d), d);
        Files.writeString(dir.resolve("left.partial"), "x");
        DiskTier again = new DiskTier(dir, 3000);
        assertEquals(0, files());
        assertFalse(held(again, key("k", "1", d)));
        assertEquals(0, again.bytes());
    }

    @Test
    void aFileEvictedWhileOpenIsStillReadable() throws IOException {
        DiskTier t = new DiskTier(dir, 1000);
        byte[] d = new byte[1000];
        d[999] = 42;
        VersionKey a = key("a", "1", d);
        store(t, a, d);
        try (FileChannel open = t.open(a).orElseThrow()) {
            store(t, key("b", "1", new byte[1000]), new byte[1000]);
            assertFalse(held(t, a));
            assertTrue(DiskTier.verify(open, a), "the reader finishes on its handle");
        }
    }
}
