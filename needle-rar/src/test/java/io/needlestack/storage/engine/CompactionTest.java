package io.needlestack.storage.engine;

import static io.needlestack.storage.engine.EngineTestSupport.assertData;
import static io.needlestack.storage.engine.EngineTestSupport.data;
import static io.needlestack.storage.engine.EngineTestSupport.delete;
import static io.needlestack.storage.engine.EngineTestSupport.obj;
import static io.needlestack.storage.engine.EngineTestSupport.put;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.needlestack.storage.container.ContainerRewrite;
import io.needlestack.storage.container.TestFileLayer;
import io.needlestack.storage.needle.NeedleFormat;
import io.needlestack.storage.store.CompactionRefusedException;
import io.needlestack.storage.store.CompactionStatus;
import io.needlestack.storage.store.ContainerUsage;
import io.needlestack.storage.store.NeedleKey;
import io.needlestack.storage.store.NeedleRecord;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Online compaction on real files: what it keeps, what it frees, and what it must never break. */
class CompactionTest {
    @TempDir
    Path dir;

    private EngineConfig config(TestFileLayer layer) {
        return EngineConfig.of(dir).withMinFreeBytes(0).withContainersPerDirectory(2).withFileLayer(layer);
    }

    /** Expected state: the newest data of each live key, the keys whose newest is a tombstone. */
    private record Expected(Map<NeedleKey, byte[]> live, Set<NeedleKey> deleted, Set<NeedleKey> dropped) {
    }

    /** 100 keys overwritten once, 20 deleted, 10 dropped from the index, 3 versions of a versioned key. */
    private static Expected fill(NeedleEngine e) {
        Map<NeedleKey, byte[]> live = new ConcurrentHashMap<>();
        Set<NeedleKey> deleted = ConcurrentHashMap.newKeySet();
        Set<NeedleKey> dropped = ConcurrentHashMap.newKeySet();
        for (int i = 0; i < 100; i++) {
            put(e, obj("b", "k" + i), 100 + i, "a" + i, data(i, 8192), false);
        }
        for (int i = 0; i < 100; i++) {
            byte[] d = data(1000 + i, 4096 + i);
            put(e, obj("b", "k" + i), 1000 + i, "b" + i, d, false);
            live.put(obj("b", "k" + i), d);
        }
        for (int i = 0; i < 20; i++) {
            delete(e, obj("b", "k" + i), 2000 + i, "c" + i, false);
            live.remove(obj("b", "k" + i));
            deleted.add(obj("b", "k" + i));
        }
        for (int i = 20; i < 30; i++) {
            NeedleRecord r = e.get(obj("b", "k" + i)).orElseThrow();
            assertTrue(e.drop(r.key(), r.hlc(), r.versionId()));
            live.remove(r.key());
            dropped.add(r.key());
        }
        for (int v = 0; v < 3; v++) {
            put(e, obj("b", "versioned"), 5000 + v, "v" + v, data(5000 + v, 3000), true);
        }
        return new Expected(live, deleted, dropped);
    }

    private static void check(NeedleEngine e, Expected x) {
        for (Map.Entry<NeedleKey, byte[]> en : x.live().entrySet()) {
            assertData(e, e.get(en.getKey()).orElseThrow(), en.getValue());
        }
        for (NeedleKey k : x.deleted()) {
            assertTrue(e.get(k).orElseThrow().tombstone(), k + " stays deleted");
        }
        for (NeedleKey k : x.dropped()) {
            assertTrue(e.get(k).isEmpty(), k + " stays dropped");
        }
        for (int v = 0; v < 3; v++) {
            assertData(e, e.get(obj("b", "versioned"), "v" + v).orElseThrow(), data(5000 + v, 3000));
        }
    }

    static CompactionStatus awaitIdle(NeedleEngine e) {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (true) {
            CompactionStatus s = e.compactionStatus();
            if (s.state().equals("idle")) {
                return s;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("compaction still " + s.state() + ": " + s);
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException ie) {
                throw new AssertionError(ie);
            }
        }
    }

    private static long fileBytes(NeedleEngine e) {
        long sum = 0;
        for (long f : e.fileBytes()) {
            sum += f;
        }
        return sum;
    }

    private static long sum(long[] a) {
        long s = 0;
        for (long v : a) {
            s += v;
        }
        return s;
    }

    @Test
    void keepsExactlyWhatTheIndexPointsAtAndSurvivesARestart() {
        Expected x;
        long before;
        try (NeedleEngine e = NeedleEngine.open(config(new TestFileLayer()))) {
            x = fill(e);
            before = fileBytes(e);
            List<ContainerUsage> du = e.usage();
            assertEquals(2, du.size());
            assertEquals(before, du.stream().mapToLong(ContainerUsage::fileBytes).sum());
            assertTrue(du.get(0).reclaimableBytes() > before / 2, du.toString());
            assertEquals(0, du.get(1).reclaimableBytes(), du.toString());
            assertTrue(du.get(0).active() && !du.get(1).active(), du.toString());
            CompactionStatus started = e.compactStart(Set.of());
            assertTrue(started.state().equals("running") || started.state().equals("idle"), started.toString());
            CompactionStatus s = awaitIdle(e);
            assertEquals("done", s.outcome(), s.toString());
            long live = sum(e.liveBytes());
            int containers = e.containers().size();
            // Nothing but live needles and the superblocks remain.
            assertEquals(live + (long) containers * NeedleFormat.SUPERBLOCK_LENGTH, fileBytes(e));
            assertTrue(fileBytes(e) < before / 2, "overwritten, deleted and dropped bytes reclaimed: " + before
                    + " -> " + fileBytes(e));
            // 70 live keys + 20 tombstones + 3 versions kept; 100 first versions, 20 overwritten
            // seconds replaced by tombstones, and 10 dropped seconds left behind.
            assertEquals(93, s.needlesKept(), s.toString());
            assertEquals(130, s.needlesDropped(), s.toString());
            // Containers with nothing to reclaim (the second holds only its superblock) are left alone.
            assertEquals(1, s.containersTotal(), s.toString());
            assertEquals(before - s.bytesBefore(), fileBytes(e) - s.bytesAfter());
            check(e, x);
            for (ContainerUsage u : e.usage()) {
                assertEquals(0, u.reclaimableBytes(), u.toString());
                assertFalse(u.compacting(), u.toString());
            }
            // Writes go on into the compacted containers.
            put(e, obj("b", "after"), 9000, "z", data(9000, 5000), false);
            x.live().put(obj("b", "after"), data(9000, 5000));
            check(e, x);
        }
        try (NeedleEngine e = NeedleEngine.open(config(new TestFileLayer()))) {
            check(e, x);
            // A second compaction finds nothing to reclaim.
            e.compactStart(Set.of());
            CompactionStatus s = awaitIdle(e);
            assertEquals("done", s.outcome());
            assertEquals(0, s.containersTotal(), s.toString());
        }
    }

    @Test
    void readsResolvedOrOpenedBeforeTheSwapStillReturnTheirBytes() throws IOException {
        try (NeedleEngine e = NeedleEngine.open(config(new TestFileLayer()))) {
            Expected x = fill(e);
            List<NeedleRecord> records = new ArrayList<>();
            for (NeedleKey k : x.live().keySet()) {
                records.add(e.get(k).orElseThrow());
            }
            NeedleRecord streamed = records.get(0);
            byte[] expected = x.live().get(streamed.key());
            try (InputStream in = e.openData(streamed, 0, streamed.dataLength())) {
                byte[] head = in.readNBytes(100);
                e.compactStart(Set.of());
                assertEquals("done", awaitIdle(e).outcome());
                byte[] rest = in.readAllBytes();
                byte[] all = new byte[head.length + rest.length];
                System.arraycopy(head, 0, all, 0, head.length);
                System.arraycopy(rest, 0, all, head.length, rest.length);
                assertArrayEquals(expected, all, "a stream keeps the replaced file");
            }
            int moved = 0;
            for (NeedleRecord r : records) {
                NeedleRecord now = e.get(r.key()).orElseThrow();
                moved += now.offset() != r.offset() ? 1 : 0;
                // The record names the old offset: the engine finds the needle again.
                assertData(e, r, x.live().get(r.key()));
            }
            assertTrue(moved > 0, "compaction moved needles, so the stale records were exercised");
        }
    }

    @Test
    void writesDuringCompactionAreKeptAcrossARestart() throws Exception {
        Map<NeedleKey, byte[]> acknowledged = new ConcurrentHashMap<>();
        try (NeedleEngine e = NeedleEngine.open(config(new TestFileLayer()))) {
            Expected x = fill(e);
            // Enough live needles that moving their index entries takes a while.
            for (int i = 0; i < 3000; i++) {
                byte[] d = data(70_000 + i, 300);
                put(e, obj("many", "k" + i), 70_000 + i, "m" + i, d, false);
                x.live().put(obj("many", "k" + i), d);
            }
            AtomicBoolean stop = new AtomicBoolean();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            List<Thread> writers = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int tid = t;
                Thread w = new Thread(() -> {
                    try {
                        for (int i = 0; !stop.get(); i++) {
                            NeedleKey k = obj("w", tid + "-" + (i % 50));
                            byte[] d = data(tid * 1_000_000L + i, 2000 + (i % 7) * 100);
                            put(e, k, 10_000 + tid * 1_000_000L + i, "w" + tid + "." + i, d, false);
                            acknowledged.put(k, d);
                        }
                    } catch (Throwable ex) {
                        failure.set(ex);
                    }
                });
                w.start();
                writers.add(w);
            }
            // Readers look a key up and open it at once, so some lookups fall between the swap of
            // a file and the index's update, where only the engine's relocation finds the needle.
            List<NeedleKey> liveKeys = new ArrayList<>(x.live().keySet());
            java.util.concurrent.atomic.AtomicLong reads = new java.util.concurrent.atomic.AtomicLong();
            for (int t = 0; t < 2; t++) {
                int tid = t;
                Thread r = new Thread(() -> {
                    try {
                        for (int i = tid; !stop.get(); i++) {
                            NeedleKey k = liveKeys.get(i % liveKeys.size());
                            assertData(e, e.get(k).orElseThrow(), x.live().get(k));
                            reads.incrementAndGet();
                        }
                    } catch (Throwable ex) {
                        failure.set(ex);
                    }
                });
                r.start();
                writers.add(r);
            }
            for (int round = 0; round < 5; round++) {
                Thread.sleep(20);
                e.compactStart(Set.of());
                assertEquals("done", awaitIdle(e).outcome());
                check(e, x);
            }
            stop.set(true);
            for (Thread w : writers) {
                w.join(30_000);
            }
            if (failure.get() != null) {
                throw new AssertionError("a write or read failed during compaction", failure.get());
            }
            assertTrue(reads.get() > 0);
            assertFalse(acknowledged.isEmpty());
            for (Map.Entry<NeedleKey, byte[]> en : acknowledged.entrySet()) {
                assertData(e, e.get(en.getKey()).orElseThrow(), en.getValue());
            }
            e.compactStart(Set.of());
            assertEquals("done", awaitIdle(e).outcome());
        }
        try (NeedleEngine e = NeedleEngine.open(config(new TestFileLayer()))) {
            for (Map.Entry<NeedleKey, byte[]> en : acknowledged.entrySet()) {
                assertData(e, e.get(en.getKey()).orElseThrow(), en.getValue());
            }
        }
    }

    @Test
    void aSwapWhoseIndexUpdateWasLostIsReindexedFromTheNewFile() throws IOException {
        Expected x;
        try (NeedleEngine e = NeedleEngine.open(config(new TestFileLayer()))) {
            x = fill(e);
        }
        // The index as it was before the compaction: entries and checkpoints of the old files.
        Path index = dir.resolve("index");
        Path saved = dir.resolve("index-before");
        EngineTestSupport.copyTree(index, saved);
        try (NeedleEngine e = NeedleEngine.open(config(new TestFileLayer()))) {
            e.compactStart(Set.of());
            assertEquals("done", awaitIdle(e).outcome());
        }
        // A crash after the rename, before the index update reached RocksDB's log.
        EngineTestSupport.deleteTree(index);
        EngineTestSupport.copyTree(saved, index);
        try (NeedleEngine e = NeedleEngine.open(config(new TestFileLayer()))) {
            check(e, x);
        }
    }

    @Test
    void aPartialFileLeftByACrashIsDeletedAtOpen() throws IOException {
        Expected x;
        try (NeedleEngine e = NeedleEngine.open(config(new TestFileLayer()))) {
            x = fill(e);
        }
        Path container = dir.resolve("containers").resolve("container-00000.ndl");
        Path partial = ContainerRewrite.partialFile(container);
        Files.write(partial, new byte[4096]);
        try (NeedleEngine e = NeedleEngine.open(config(new TestFileLayer()))) {
            assertFalse(Files.exists(partial));
            check(e, x);
        }
    }

    @Test
    void refusals() {
        TestFileLayer layer = new TestFileLayer();
        try (NeedleEngine e = NeedleEngine.open(config(layer).withMinFreeBytes(1 << 20))) {
            fill(e);
            assertEquals("CompactionNotRunning", assertThrows(CompactionRefusedException.class, e::compactSuspend).code());
            assertEquals("CompactionNotRunning", assertThrows(CompactionRefusedException.class, e::compactResume).code());
            assertEquals("NoSuchContainer", assertThrows(CompactionRefusedException.class,
                    () -> e.compactStart(Set.of(7))).code());
            // Less free space than the largest container plus the space kept free.
            layer.usableSpace = (1 << 20) + 1000;
            long before = fileBytes(e);
            assertEquals("NotEnoughSpace", assertThrows(CompactionRefusedException.class,
                    () -> e.compactStart(Set.of())).code());
            assertEquals("idle", e.compactionStatus().state());
            assertEquals(before, fileBytes(e), "nothing changed");
        }
    }

    @Test
    void suspendHoldsTheRunAndResumeFinishesIt() throws Exception {
        try (NeedleEngine e = NeedleEngine.open(config(new TestFileLayer()))) {
            for (int i = 0; i < 20_000; i++) {
                put(e, obj("s", "k" + (i % 5000)), 100 + i, "v" + i, data(i, 512), false);
            }
            long before = fileBytes(e);
            e.compactStart(Set.of());
            CompactionStatus s = e.compactSuspend();
            assertEquals("suspended", s.state());
            Thread.sleep(300);
            CompactionStatus held = e.compactionStatus();
            assertEquals("suspended", held.state());
            assertEquals(0, held.containersDone(), held.toString());
            assertEquals(before, fileBytes(e), "nothing swapped while suspended");
            assertEquals("CompactionRunning", assertThrows(CompactionRefusedException.class,
                    () -> e.compactStart(Set.of())).code());
            assertEquals("running", e.compactResume().state());
            CompactionStatus done = awaitIdle(e);
            assertEquals("done", done.outcome(), done.toString());
            assertTrue(fileBytes(e) < before / 3, before + " -> " + fileBytes(e));
            for (int k = 0; k < 5000; k++) {
                int last = 15_000 + k;
                assertData(e, e.get(obj("s", "k" + k)).orElseThrow(), data(last, 512));
            }
        }
    }

    @Test
    void closingTheStoreStopsACompactionAndLeavesTheDataWhole() throws Exception {
        Map<NeedleKey, byte[]> expected = new ConcurrentHashMap<>();
        try (NeedleEngine e = NeedleEngine.open(config(new TestFileLayer()))) {
            for (int i = 0; i < 10_000; i++) {
                byte[] d = data(i, 700);
                put(e, obj("c", "k" + (i % 2000)), 100 + i, "v" + i, d, false);
                expected.put(obj("c", "k" + (i % 2000)), d);
            }
            e.compactStart(Set.of());
            e.compactSuspend();
        }
        try (Stream<Path> files = Files.list(dir.resolve("containers"))) {
            assertTrue(files.noneMatch(p -> p.toString().endsWith(ContainerRewrite.SUFFIX)), "partial file removed");
        }
        try (NeedleEngine e = NeedleEngine.open(config(new TestFileLayer()))) {
            assertEquals("idle", e.compactionStatus().state());
            for (Map.Entry<NeedleKey, byte[]> en : expected.entrySet()) {
                assertData(e, e.get(en.getKey()).orElseThrow(), en.getValue());
            }
        }
    }

    @Test
    void automaticCompactionTakesContainersPastItsBoundsAndOnlyThose() throws Exception {
        EngineConfig lazy = config(new TestFileLayer())
                .withAutoCompaction(new EngineConfig.AutoCompaction(0.99, 1, 1));
        long before;
        try (NeedleEngine e = NeedleEngine.open(lazy)) {
            fill(e);
            before = fileBytes(e);
            // About three quarters of container 0 are reclaimable: under a ratio of 0.99.
            Thread.sleep(2500);
            assertEquals(0, e.compactionStatus().startedAtMillis(), "no compaction ran");
            assertEquals(before, fileBytes(e));
        }
        EngineConfig eager = config(new TestFileLayer())
                .withAutoCompaction(new EngineConfig.AutoCompaction(0.5, 1, 1));
        try (NeedleEngine e = NeedleEngine.open(eager)) {
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (!e.compactionStatus().outcome().equals("done") && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            CompactionStatus s = e.compactionStatus();
            assertEquals("done", s.outcome(), s.toString());
            assertEquals(1, s.containersTotal(), "only the container with garbage: " + s);
            assertTrue(fileBytes(e) < before / 2, before + " -> " + fileBytes(e));
        }
    }

    @Test
    void aCorruptLiveNeedleIsCountedAndNotCopiedWhileTheRestIs() throws Exception {
        try (NeedleEngine e = NeedleEngine.open(config(new TestFileLayer()))) {
            Expected x = fill(e);
            NeedleKey victim = obj("b", "k50");
            NeedleRecord r = e.get(victim).orElseThrow();
            // One data byte flipped on disk (headers and names intact): only the full check sees it.
            try (java.nio.channels.FileChannel f = java.nio.channels.FileChannel.open(
                    dir.resolve("containers").resolve(String.format("container-%05d.ndl", r.containerId())),
                    java.nio.file.StandardOpenOption.READ, java.nio.file.StandardOpenOption.WRITE)) {
                long at = r.offset() + r.needleLength() - NeedleFormat.FOOTER_LENGTH - 64;
                java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(1);
                f.read(b, at);
                b.put(0, (byte) ~b.get(0)).rewind();
                f.write(b, at);
            }
            e.compactStart(Set.of());
            CompactionStatus s = awaitIdle(e);
            assertEquals("done", s.outcome(), s.toString());
            assertEquals(1, s.corruptSkipped(), s.toString());
            assertEquals(92, s.needlesKept(), s.toString());
            x.live().remove(victim);
            check(e, x);
            assertThrows(io.needlestack.storage.store.CorruptNeedleException.class,
                    () -> EngineTestSupport.read(e, e.get(victim).orElseThrow()));
        }
    }

    @Test
    void aRecordOfAVersionReplacedAndCompactedAwaySaysItIsGone() {
        try (NeedleEngine e = NeedleEngine.open(config(new TestFileLayer()))) {
            NeedleKey k = obj("g", "k");
            put(e, k, 10, "old", data(10, 4000), false);
            NeedleRecord resolved = e.get(k).orElseThrow();
            put(e, k, 20, "new", data(20, 4000), false);
            assertData(e, resolved, data(10, 4000)); // its bytes are still in the container
            e.compactStart(Set.of());
            assertEquals("done", awaitIdle(e).outcome());
            io.needlestack.storage.store.NeedleGoneException gone = assertThrows(
                    io.needlestack.storage.store.NeedleGoneException.class,
                    () -> e.openData(resolved, 0, resolved.dataLength()));
            assertTrue(gone.retryable());
            assertData(e, e.get(k).orElseThrow(), data(20, 4000));
        }
    }
}
