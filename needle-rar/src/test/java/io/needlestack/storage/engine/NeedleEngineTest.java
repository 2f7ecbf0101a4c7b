package io.needlestack.storage.engine;

import static io.needlestack.storage.engine.EngineTestSupport.assertData;
import static io.needlestack.storage.engine.EngineTestSupport.data;
import static io.needlestack.storage.engine.EngineTestSupport.delete;
import static io.needlestack.storage.engine.EngineTestSupport.obj;
import static io.needlestack.storage.engine.EngineTestSupport.put;
import static io.needlestack.storage.engine.EngineTestSupport.read;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.needlestack.storage.container.Container;
import io.needlestack.storage.container.TestFileLayer;
import io.needlestack.storage.store.CorruptNeedleException;
import io.needlestack.storage.store.DataLengthException;
import io.needlestack.storage.store.NeedleKey;
import io.needlestack.storage.store.NeedleKind;
import io.needlestack.storage.store.NeedleRecord;
import io.needlestack.storage.store.NeedleWrite;
import io.needlestack.storage.store.PutResult;
import io.needlestack.storage.store.StoreFullException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NeedleEngineTest {
    @TempDir
    Path dir;

    private EngineConfig config(TestFileLayer layer) {
        return EngineConfig.of(dir).withMinFreeBytes(0).withFileLayer(layer);
    }

    @Test
    void newestWinsOlderWritesAndSupersededVersions() {
        TestFileLayer layer = new TestFileLayer();
        try (NeedleEngine e = NeedleEngine.open(config(layer))) {
            NeedleKey k = obj("b", "key");
            PutResult first = put(e, k, 100, "v100", data(1, 10), false);
            assertTrue(first.applied());
            assertEquals(List.of(), first.superseded());
            assertEquals(HexFormat.of().formatHex(md5(data(1, 10))), first.record().md5Hex());

            PutResult second = put(e, k, 200, "v200", data(2, 20), false);
            assertTrue(second.applied());
            assertEquals(1, second.superseded().size());
            assertEquals("v100", second.superseded().get(0).versionId());
            assertTrue(e.get(k, "v100").isEmpty(), "replaced version dropped from the index");

            PutResult older = put(e, k, 150, "v150", data(3, 30), false);
            assertFalse(older.applied(), "an older write does not replace the newest");
            assertEquals("v200", older.record().versionId());
            assertTrue(e.get(k, "v150").isEmpty(), "an older unversioned write is not indexed");
            assertData(e, e.get(k).orElseThrow(), data(2, 20));

            // Versioned: keep older versions; an out-of-order older version is kept but not newest.
            NeedleKey vk = obj("b", "versioned");
            put(e, vk, 10, "a", data(10, 5), true);
            put(e, vk, 30, "c", data(30, 5), true);
            PutResult late = put(e, vk, 20, "b", data(20, 5), true);
            assertFalse(late.applied());
            assertEquals("c", late.record().versionId());
            assertData(e, e.get(vk, "b").orElseThrow(), data(20, 5));
            assertData(e, e.get(vk, "a").orElseThrow(), data(10, 5));

            // Tombstone is the newest; data lengths are zero; the older version stays reachable when kept.
            PutResult del = delete(e, vk, 40, "d", true);
            assertTrue(del.applied());
            NeedleRecord newest = e.get(vk).orElseThrow();
            assertTrue(newest.tombstone());
            assertEquals(0, newest.dataLength());
            assertEquals(0, read(e, newest).length);
            assertData(e, e.get(vk, "c").orElseThrow(), data(30, 5));

            // Retrying the same write (same HLC and version) is idempotent.
            PutResult retry = put(e, k, 200, "v200", data(2, 20), false);
            assertTrue(retry.applied());
            assertEquals(List.of(), retry.superseded());
        }
    }

    @Test
    void rangesAndCorruptionOnRead() throws IOException {
        TestFileLayer layer = new TestFileLayer();
        NeedleRecord r;
        byte[] d = data(7, 300_000); // above the in-memory spool limit
        try (NeedleEngine e = NeedleEngine.open(config(layer))) {
            r = put(e, obj("b", "range"), 1, "v", d, false).record();
            try (InputStream in = e.openData(r, 1000, 5000)) {
                byte[] part = in.readAllBytes();
                assertArrayEquals(java.util.Arrays.copyOfRange(d, 1000, 6000), part);
            }
            assertThrows(IllegalArgumentException.class, () -> e.openData(r, 299_999, 2));
        }
        // Flip one data byte on disk: a whole read must fail, never return the wrong bytes silently.
        Path file = containerFile(r.containerId());
        long dataByte = r.offset() + r.needleLength() - 100_000;
        flip(file, dataByte);
        try (NeedleEngine e = NeedleEngine.open(config(layer))) {
            NeedleRecord again = e.get(r.key()).orElseThrow();
            try (InputStream in = e.openData(again, 0, again.dataLength())) {
                assertThrows(CorruptNeedleException.class, in::readAllBytes);
            }
        }
        // Flip a header byte: opening the stream fails.
        flip(file, dataByte);
        flip(file, r.offset() + 3);
        try (NeedleEngine e = NeedleEngine.open(config(layer))) {
            // The corrupt needle sits in the middle of nothing valid: it is the tail, so recovery may not
            // truncate it (it was indexed), and reading it reports corruption.
            NeedleRecord again = e.get(r.key()).orElseThrow();
            assertThrows(CorruptNeedleException.class, () -> e.openData(again, 0, again.dataLength()));
        }
    }

    /**
     * Reads of a block or more land straight in the caller's array, smaller ones go through the
     * stream's buffer: every mix of the two gives the same bytes, and every one finds a flipped byte.
     */
    @Test
    void largeAndSmallReadsAgreeAndBothFindCorruption() throws IOException {
        TestFileLayer layer = new TestFileLayer();
        int block = io.needlestack.storage.store.NeedleConnection.READ_BLOCK_BYTES;
        byte[] d = data(11, 2 * block + 175_713); // two whole blocks and a part
        int[][] patterns = {{4 * block}, {1000}, {block + 37_856, 7, block, 1}, {block - 1, block + 1}};
        NeedleRecord r;
        try (NeedleEngine e = NeedleEngine.open(config(layer))) {
            r = put(e, obj("b", "blocks"), 1, "v", d, false).record();
            for (int[] sizes : patterns) {
                try (InputStream in = e.openData(r, 0, r.dataLength())) {
                    assertArrayEquals(d, readIn(in, sizes), () -> "reads of " + java.util.Arrays.toString(sizes));
                }
            }
            try (InputStream in = e.openData(r, 5, 600_000)) { // a range: no checksum, same bytes
                assertArrayEquals(java.util.Arrays.copyOfRange(d, 5, 600_005), readIn(in, new int[] {4 * block}));
            }
        }
        flip(containerFile(r.containerId()), r.offset() + r.needleLength() - 400_000);
        // A store per pattern, its damage list removed: the first read that fails lists the version
        // as damaged, and later opens of it are refused before any byte is read, also after a
        // restart (see ScrubTest).
        for (int[] sizes : patterns) {
            java.nio.file.Files.deleteIfExists(dir.resolve("damage.list"));
            try (NeedleEngine e = NeedleEngine.open(config(layer))) {
                NeedleRecord again = e.get(r.key()).orElseThrow();
                try (InputStream in = e.openData(again, 0, again.dataLength())) {
                    assertThrows(CorruptNeedleException.class, () -> readIn(in, sizes),
                            () -> "reads of " + java.util.Arrays.toString(sizes));
                }
                assertEquals(1, e.damaged().size());
            }
        }
    }

    /** Reads a stream to its end with reads of the given sizes in turn. */
    private static byte[] readIn(InputStream in, int[] sizes) throws IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (int i = 0; ; i++) {
            byte[] buf = new byte[sizes[i % sizes.length]];
            int n = in.read(buf, 0, buf.length);
            if (n < 0) {
                return out.toByteArray();
            }
            assertTrue(n > 0, "a read of " + buf.length + " bytes returned 0");
            out.write(buf, 0, n);
        }
    }

    @Test
    void shortDataIsRefusedAndLeavesNothing() {
        TestFileLayer layer = new TestFileLayer();
        try (NeedleEngine e = NeedleEngine.open(config(layer))) {
            for (int len : new int[] {100, 1_000_000}) {
                NeedleWrite w = new NeedleWrite(obj("b", "short" + len), 1, "v", false, Map.of());
                assertThrows(DataLengthException.class,
                        () -> e.put(w, new ByteArrayInputStream(new byte[len - 1]), len, false));
                assertTrue(e.get(w.key()).isEmpty());
            }
            assertEquals(0, e.stats().puts());
        }
    }

    /** A write that runs out of space part-way is cut back, reported as StoreFull, and later writes work. */
    @Test
    void diskFullPartWayIsTruncated() throws IOException {
        TestFileLayer layer = new TestFileLayer();
        NeedleKey before = obj("b", "before");
        try (NeedleEngine e = NeedleEngine.open(config(layer).withContainersPerDirectory(1))) {
            put(e, before, 1, "v", data(1, 1000), false);
            Container c = e.containers().get(0);
            long end = c.end();
            for (int len : new int[] {10_000, 2_000_000}) { // in-memory spool and spool file + transfer
                layer.writeBudget.set(len / 2);
                NeedleKey k = obj("b", "full" + len);
                StoreFullException ex = assertThrows(StoreFullException.class, () -> put(e, k, 2, "v", data(2, len), false));
                assertTrue(ex.retryable());
                assertEquals(end, Files.size(c.path()), "the partial needle was truncated away");
                assertEquals(end, c.end());
                assertTrue(e.get(k).isEmpty());
                assertData(e, e.get(before).orElseThrow(), data(1, 1000));
            }
            layer.writeBudget.set(-1);
            put(e, obj("b", "after"), 3, "v", data(3, 5000), false);
            assertData(e, e.get(obj("b", "after")).orElseThrow(), data(3, 5000));
        }
        try (NeedleEngine e = NeedleEngine.open(config(layer).withContainersPerDirectory(1))) {
            assertData(e, e.get(obj("b", "after")).orElseThrow(), data(3, 5000));
            assertData(e, e.get(before).orElseThrow(), data(1, 1000));
        }
    }

    @Test
    void lowFreeSpaceRefusesWritesButNotReads() {
        TestFileLayer layer = new TestFileLayer();
        try (NeedleEngine e = NeedleEngine.open(config(layer).withMinFreeBytes(1 << 20))) {
            put(e, obj("b", "k"), 1, "v", data(1, 100), false);
            layer.usableSpace = (1 << 20) + 50;
            // Enough free space above the minimum, but not for this write.
            assertThrows(StoreFullException.class, () -> put(e, obj("b", "k2"), 2, "v", data(2, 100), false));
            layer.usableSpace = (1 << 20) - 1;
            assertThrows(StoreFullException.class, () -> put(e, obj("b", "k2"), 2, "v", data(2, 100), false));
            assertFalse(e.stats().writable());
            assertData(e, e.get(obj("b", "k")).orElseThrow(), data(1, 100));
            assertEquals(1, e.list(NeedleKind.OBJECT, "b", "", null, 10, false).size());
            layer.usableSpace = -1;
            put(e, obj("b", "k2"), 2, "v", data(2, 100), false);
            assertTrue(e.stats().writable());
        }
    }

    @Test
    void tornTailIsTruncatedAtStartup() throws IOException {
        TestFileLayer layer = new TestFileLayer();
        NeedleRecord last;
        long end;
        Path file;
        try (NeedleEngine e = NeedleEngine.open(config(layer).withContainersPerDirectory(1))) {
            for (int i = 0; i < 20; i++) {
                put(e, obj("b", "k" + i), i + 1, "v", data(i, 100 + i), false);
            }
            last = e.get(obj("b", "k19")).orElseThrow();
            end = e.containers().get(0).end();
            file = e.containers().get(0).path();
        }
        // A torn needle: the first half of a copy of the last needle, as a crash mid-append leaves it.
        byte[] needle = new byte[(int) last.needleLength()];
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ch.read(ByteBuffer.wrap(needle), last.offset());
            ch.write(ByteBuffer.wrap(needle, 0, needle.length / 2), end);
        }
        assertEquals(end + needle.length / 2, Files.size(file));
        try (NeedleEngine e = NeedleEngine.open(config(layer).withContainersPerDirectory(1))) {
            assertEquals(end, Files.size(file), "torn tail truncated");
            for (int i = 0; i < 20; i++) {
                assertData(e, e.get(obj("b", "k" + i)).orElseThrow(), data(i, 100 + i));
            }
            put(e, obj("b", "new"), 100, "v", data(100, 10), false);
            assertData(e, e.get(obj("b", "new")).orElseThrow(), data(100, 10));
        }
    }

    /** Concurrent writers of the same keys: the highest HLC wins and exactly one version stays indexed. */
    @Test
    void concurrentWritesOfOneKeyNewestWins() throws Exception {
        TestFileLayer layer = new TestFileLayer();
        try (NeedleEngine e = NeedleEngine.open(config(layer).withFsyncPolicy(io.needlestack.storage.container.FsyncPolicy.NONE))) {
            int threads = 16;
            int perThread = 60;
            java.util.concurrent.ConcurrentHashMap<String, Long> max = new java.util.concurrent.ConcurrentHashMap<>();
            java.util.concurrent.ConcurrentLinkedQueue<Throwable> errors = new java.util.concurrent.ConcurrentLinkedQueue<>();
            java.util.concurrent.ConcurrentLinkedQueue<String> written = new java.util.concurrent.ConcurrentLinkedQueue<>();
            java.util.List<Thread> all = new java.util.ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                Thread th = new Thread(() -> {
                    java.util.Random random = new java.util.Random(thread);
                    try {
                        for (int i = 0; i < perThread; i++) {
                            String name = "hot" + random.nextInt(3);
                            long hlc = random.nextInt(1_000_000) * 100L + thread; // unique per thread
                            put(e, obj("b", name), hlc, "v" + hlc, data(hlc, 50), false);
                            max.merge(name, hlc, Math::max);
                            written.add(name + " " + hlc);
                        }
                    } catch (Throwable ex) {
                        errors.add(ex);
                    }
                });
                all.add(th);
                th.start();
            }
            for (Thread th : all) {
                th.join(30_000);
            }
            assertEquals(List.of(), List.copyOf(errors));
            for (Map.Entry<String, Long> m : max.entrySet()) {
                NeedleRecord r = e.get(obj("b", m.getKey())).orElseThrow();
                assertEquals(m.getValue(), r.hlc(), m.getKey());
                assertData(e, r, data(r.hlc(), 50));
            }
            assertEquals(max.size(), e.list(NeedleKind.OBJECT, "b", "hot", null, 100, true).size());
            assertEquals(threads * perThread, written.size());
            for (String w : written) {
                String[] parts = w.split(" ");
                boolean newest = max.get(parts[0]) == Long.parseLong(parts[1]);
                assertEquals(newest, e.get(obj("b", parts[0]), "v" + parts[1]).isPresent(), w);
            }
        }
    }

    /** A stream holds its container: it reads on after the engine closed, and the file closes with the last stream. */
    @Test
    void streamOutlivesEngineClose() throws IOException {
        TestFileLayer layer = new TestFileLayer();
        NeedleEngine e = NeedleEngine.open(config(layer));
        NeedleRecord r = put(e, obj("b", "k"), 1, "v", data(1, 200_000), false).record();
        Container c = e.containers().get(r.containerId());
        InputStream in = e.openData(r, 0, r.dataLength());
        assertEquals(2, c.references());
        e.close();
        assertEquals(1, c.references());
        assertArrayEquals(data(1, 200_000), in.readAllBytes());
        in.close();
        in.close();
        assertEquals(0, c.references());
        assertThrows(io.needlestack.storage.store.StoreUnavailableException.class, () -> e.openData(r, 0, 1));
        assertThrows(io.needlestack.storage.store.StoreUnavailableException.class, () -> e.get(r.key()));
    }

    /** A second engine on the same directories (a redeploy overlapping the old one) fails without harm. */
    @Test
    void secondEngineOnSameDirectoryIsRefusedAndHarmless() {
        TestFileLayer layer = new TestFileLayer();
        try (NeedleEngine e = NeedleEngine.open(config(layer).withSpoolMemoryBytes(0))) {
            put(e, obj("b", "k"), 1, "v", data(1, 100), false);
            assertThrows(io.needlestack.storage.store.StoreUnavailableException.class,
                    () -> NeedleEngine.open(config(layer)));
            assertTrue(Files.exists(dir.resolve("index").resolve("CURRENT")), "the live index was not touched");
            put(e, obj("b", "k2"), 2, "v", data(2, 100), false);
            assertData(e, e.get(obj("b", "k")).orElseThrow(), data(1, 100));
        }
        try (NeedleEngine e = NeedleEngine.open(config(layer))) {
            assertData(e, e.get(obj("b", "k2")).orElseThrow(), data(2, 100));
        }
    }

    /** Non-ASCII names list in UTF-8 byte order (as S3 does), with prefix, startAfter, limit and tombstones. */
    @Test
    void listing() {
        TestFileLayer layer = new TestFileLayer();
        try (NeedleEngine e = NeedleEngine.open(config(layer))) {
            List<String> names = List.of("a", "a/b", "a/c", "ab", "b", "z", "é", "日本", "\uFFFD", "😀");
            // Inserted in reverse so that order comes from the index, not from insertion.
            for (int i = names.size() - 1; i >= 0; i--) {
                put(e, obj("bkt", names.get(i)), 10, "v", data(i, 3), false);
            }
            put(e, obj("other", "a"), 10, "v", data(99, 3), false);
            e.put(new NeedleWrite(new NeedleKey(NeedleKind.CHUNK, "bkt", "a\n1"), 10, "v", false, null),
                    new ByteArrayInputStream(new byte[1]), 1, false);
            put(e, obj("bkt", "a/b"), 20, "v2", data(100, 3), false);
            delete(e, obj("bkt", "ab"), 30, "v3", false);

            assertEquals(List.of("a", "a/b", "a/c", "b", "z", "é", "日本", "\uFFFD", "😀"),
                    names(e.list(NeedleKind.OBJECT, "bkt", "", null, 100, false)));
            assertEquals(names, names(e.list(NeedleKind.OBJECT, "bkt", "", null, 100, true)));
            assertEquals(List.of("a", "a/b", "a/c", "ab"), names(e.list(NeedleKind.OBJECT, "bkt", "a", null, 100, true)));
            assertEquals(List.of("a/b", "a/c"), names(e.list(NeedleKind.OBJECT, "bkt", "a/", null, 100, true)));
            assertEquals(List.of("a/c", "b"), names(e.list(NeedleKind.OBJECT, "bkt", "", "a/b", 2, false)));
            assertEquals(List.of("a/b", "a/c", "b"), names(e.list(NeedleKind.OBJECT, "bkt", "", "a", 3, false)));
            assertEquals(List.of("😀"), names(e.list(NeedleKind.OBJECT, "bkt", "", "\uFFFD", 10, false)));
            assertEquals(List.of(), names(e.list(NeedleKind.OBJECT, "bkt", "a/", "a/c", 10, false)));
            assertEquals(List.of("a\n1"), names(e.list(NeedleKind.CHUNK, "bkt", "", null, 10, false)));
            assertEquals(List.of(), e.list(NeedleKind.OBJECT, "nobucket", "", null, 10, true));
            // Only the newest version of a name is listed.
            NeedleRecord ab = e.list(NeedleKind.OBJECT, "bkt", "a/b", null, 1, false).get(0);
            assertEquals("v2", ab.versionId());
            // Paging with startAfter walks the whole bucket exactly once.
            String after = null;
            List<String> paged = new java.util.ArrayList<>();
            while (true) {
                List<NeedleRecord> page = e.list(NeedleKind.OBJECT, "bkt", "", after, 3, true);
                if (page.isEmpty()) {
                    break;
                }
                paged.addAll(names(page));
                after = page.get(page.size() - 1).key().name();
            }
            assertEquals(names, paged);
        }
    }

    /** A scan pages through every version of every key of every kind exactly once; drop forgets one version. */
    @Test
    void scanAndDrop() {
        TestFileLayer layer = new TestFileLayer();
        try (NeedleEngine e = NeedleEngine.open(config(layer))) {
            put(e, obj("b1", "x"), 10, "v1", data(1, 3), true);
            put(e, obj("b1", "x"), 20, "v2", data(2, 3), true);
            put(e, obj("b2", "y"), 10, "v1", data(3, 3), false);
            delete(e, obj("b2", "z"), 30, "v3", false);
            e.put(new NeedleWrite(new NeedleKey(NeedleKind.CHUNK, "b1", "c"), 10, "c1", false, null),
                    new ByteArrayInputStream(new byte[1]), 1, false);
            List<String> all = new java.util.ArrayList<>();
            NeedleRecord after = null;
            while (true) {
                List<NeedleRecord> page = e.scan(after, 2);
                if (page.isEmpty()) {
                    break;
                }
                page.forEach(r -> all.add(r.key().kind() + ":" + r.key().bucket() + "/" + r.key().name() + "@"
                        + r.versionId() + (r.tombstone() ? "(t)" : "")));
                after = page.get(page.size() - 1);
            }
            // Index order: kind letter, bucket, name, newest version first.
            List<String> expected = new java.util.ArrayList<>(List.of("OBJECT:b1/x@v2", "OBJECT:b1/x@v1",
                    "OBJECT:b2/y@v1", "OBJECT:b2/z@v3(t)", "CHUNK:b1/c@c1"));
            expected.sort(java.util.Comparator.comparing(s -> NeedleKind.valueOf(s.substring(0, s.indexOf(':'))).code()));
            assertEquals(expected, all);

            assertTrue(e.drop(obj("b1", "x"), 20, "v2"));
            assertFalse(e.drop(obj("b1", "x"), 20, "v2"));
            assertEquals("v1", e.get(obj("b1", "x")).orElseThrow().versionId());
            assertTrue(e.drop(obj("b2", "z"), 30, "v3"));
            assertTrue(e.get(obj("b2", "z")).isEmpty());
            assertEquals(3, e.scan(null, 100).size());
        }
    }

    /** A 20 MiB needle streams in and out; the calling thread allocates far less than the data's size. */
    @Test
    void largeNeedleRoundTripWithBoundedMemory() throws Exception {
        TestFileLayer layer = new TestFileLayer();
        int size = 20 << 20;
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        try (NeedleEngine e = NeedleEngine.open(config(layer))) {
            MessageDigest expected = MessageDigest.getInstance("MD5");
            InputStream source = new InputStream() { // generates the data; nothing of that size exists in memory
                long left = size;
                final java.util.Random random = new java.util.Random(42);
                final byte[] chunk = new byte[8192];

                @Override
                public int read() {
                    byte[] one = new byte[1];
                    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
                }

                @Override
                public int read(byte[] b, int off, int len) {
                    if (left == 0) {
                        return -1;
                    }
                    int n = (int) Math.min(Math.min(len, left), chunk.length);
                    random.nextBytes(chunk);
                    System.arraycopy(chunk, 0, b, off, n);
                    expected.update(chunk, 0, n);
                    left -= n;
                    return n;
                }
            };
            long t = Thread.currentThread().getId();
            long before = mx.getThreadAllocatedBytes(t);
            PutResult r = e.put(new NeedleWrite(obj("b", "big"), 1, "v", false, null), source, size, false);
            long putAlloc = mx.getThreadAllocatedBytes(t) - before;
            assertEquals(HexFormat.of().formatHex(expected.digest()), r.record().md5Hex());

            MessageDigest got = MessageDigest.getInstance("MD5");
            before = mx.getThreadAllocatedBytes(t);
            long total = 0;
            byte[] buf = new byte[8192];
            try (InputStream in = e.openData(r.record(), 0, size)) {
                for (int n; (n = in.read(buf)) > 0; ) {
                    got.update(buf, 0, n);
                    total += n;
                }
            }
            long readAlloc = mx.getThreadAllocatedBytes(t) - before;
            assertEquals(size, total);
            assertEquals(r.record().md5Hex(), HexFormat.of().formatHex(got.digest()));
            System.out.printf("20 MiB needle: put allocated %d KiB, read allocated %d KiB on the calling thread%n",
                    putAlloc >> 10, readAlloc >> 10);
            assertTrue(putAlloc < (4 << 20), "put allocated " + putAlloc);
            assertTrue(readAlloc < (4 << 20), "read allocated " + readAlloc);
            assertEquals(0, Files.list(dir.resolve("spool")).count(), "spool file removed");
        }
    }

    private static List<String> names(List<NeedleRecord> records) {
        return records.stream().map(r -> r.key().name()).toList();
    }

    private Path containerFile(int id) {
        return dir.resolve("containers").resolve(String.format("container-%05d.ndl", id));
    }

    private static void flip(Path file, long position) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.allocate(1);
            ch.read(b, position);
            b.put(0, (byte) (b.get(0) ^ 0x40));
            b.rewind();
            ch.write(b, position);
        }
    }

    private static byte[] md5(byte[] d) {
        try {
            return MessageDigest.getInstance("MD5").digest(d);
        } catch (Exception ex) {
            throw new AssertionError(ex);
        }
    }
}
