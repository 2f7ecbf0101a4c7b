package io.needlestack.storage.engine;

import static io.needlestack.storage.engine.EngineTestSupport.assertData;
import static io.needlestack.storage.engine.EngineTestSupport.data;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.needlestack.storage.store.NeedleKey;
import io.needlestack.storage.store.NeedleKind;
import io.needlestack.storage.store.NeedleRecord;
import io.needlestack.storage.store.NeedleWrite;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The index is derived data: deleting or corrupting it and rebuilding from the containers gives the same answers. */
class IndexRebuildTest {
    @TempDir
    Path dir;

    private record Written(NeedleKey key, String versionId, long seed, int length) {
    }

    @Test
    void rebuildAfterIndexDeleted() throws IOException {
        check(() -> EngineTestSupport.deleteTree(dir.resolve("index")));
    }

    @Test
    void rebuildAfterIndexCorrupted() throws IOException {
        check(() -> {
            Files.writeString(dir.resolve("index").resolve("CURRENT"), "garbage-not-a-manifest\n");
        });
    }

    /** RocksDB lost its latest writes (its log is not synced): replay from the checkpoints brings them back. */
    @Test
    void replayFromStaleCheckpoint() throws IOException {
        EngineConfig config = EngineConfig.of(dir).withMinFreeBytes(0).withContainersPerDirectory(2);
        Path stale = dir.resolve("stale-index");
        try (NeedleEngine e = NeedleEngine.open(config)) {
            for (int i = 0; i < 50; i++) {
                EngineTestSupport.put(e, EngineTestSupport.obj("b", "k" + i), 10, "v", data(i, 100), false);
            }
        }
        EngineTestSupport.copyTree(dir.resolve("index"), stale);
        try (NeedleEngine e = NeedleEngine.open(config)) {
            for (int i = 0; i < 50; i++) {
                // Overwrites (which drop older entries) and new keys, all after the stale index's checkpoints.
                EngineTestSupport.put(e, EngineTestSupport.obj("b", "k" + (i + 25)), 20, "w", data(1000 + i, 100), false);
            }
            EngineTestSupport.delete(e, EngineTestSupport.obj("b", "k0"), 30, "x", false);
        }
        EngineTestSupport.deleteTree(dir.resolve("index"));
        EngineTestSupport.copyTree(stale, dir.resolve("index"));
        try (NeedleEngine e = NeedleEngine.open(config)) {
            assertTrue(e.get(EngineTestSupport.obj("b", "k0")).orElseThrow().tombstone());
            for (int i = 1; i < 75; i++) {
                NeedleRecord r = e.get(EngineTestSupport.obj("b", "k" + i)).orElseThrow();
                assertData(e, r, i < 25 ? data(i, 100) : data(1000 + i - 25, 100));
                assertEquals(i < 25 ? "v" : "w", r.versionId());
                if (i >= 25 && i < 50) {
                    assertTrue(e.get(EngineTestSupport.obj("b", "k" + i), "v").isEmpty(), "replaced version dropped");
                }
            }
            assertEquals(74, e.list(NeedleKind.OBJECT, "b", "", null, 1000, false).size());
        }
    }

    /** A flipped byte in the middle of a container costs that needle only, never the ones after it. */
    @Test
    void corruptNeedleInTheMiddleIsSkippedOnRebuild() throws IOException {
        EngineConfig config = EngineConfig.of(dir).withMinFreeBytes(0).withContainersPerDirectory(1);
        NeedleRecord victim;
        long size;
        try (NeedleEngine e = NeedleEngine.open(config)) {
            for (int i = 0; i < 20; i++) {
                EngineTestSupport.put(e, EngineTestSupport.obj("b", "k" + i), 10, "v", data(i, 1000), false);
            }
            victim = e.get(EngineTestSupport.obj("b", "k5")).orElseThrow();
            size = e.containers().get(0).end();
        }
        Path file = dir.resolve("containers").resolve("container-00000.ndl");
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(file,
                java.nio.file.StandardOpenOption.READ, java.nio.file.StandardOpenOption.WRITE)) {
            java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(1);
            long pos = victim.offset() + 200;
            ch.read(b, pos);
            b.put(0, (byte) (b.get(0) ^ 1)).rewind();
            ch.write(b, pos);
        }
        EngineTestSupport.deleteTree(dir.resolve("index"));
        try (NeedleEngine e = NeedleEngine.open(config)) {
            assertEquals(size, Files.size(file), "nothing truncated");
            assertTrue(e.get(victim.key()).isEmpty(), "the corrupt needle is not indexed");
            for (int i = 0; i < 20; i++) {
                if (i != 5) {
                    assertData(e, e.get(EngineTestSupport.obj("b", "k" + i)).orElseThrow(), data(i, 1000));
                }
            }
            EngineTestSupport.put(e, EngineTestSupport.obj("b", "after"), 10, "v", data(99, 10), false);
        }
    }


    private interface Damage {
        void apply() throws IOException;
    }

    private void check(Damage damage) throws IOException {
        EngineConfig config = EngineConfig.of(dir).withMinFreeBytes(0).withContainersPerDirectory(4);
        List<Written> written = new ArrayList<>();
        Map<String, Object> before;
        try (NeedleEngine e = NeedleEngine.open(config)) {
            Random random = new Random(7);
            NeedleKind[] kinds = NeedleKind.values();
            for (int i = 0; i < 1500; i++) {
                NeedleKind kind = kinds[random.nextInt(kinds.length)];
                String bucket = "bucket" + random.nextInt(3);
                String name = "k/" + random.nextInt(120) + (random.nextBoolean() ? "/ü" : "");
                NeedleKey key = new NeedleKey(kind, bucket, name);
                // Versioned buckets keep older versions; the others replace them.
                boolean keepOlder = bucket.equals("bucket2");
                long hlc = 1000 + random.nextInt(5000); // often older than what is stored
                String version = "v" + i;
                boolean tombstone = random.nextInt(6) == 0;
                int length = tombstone ? 0 : random.nextInt(3000);
                e.put(new NeedleWrite(key, hlc, version, tombstone, Map.of("i", Integer.toString(i))),
                        new ByteArrayInputStream(data(i, length)), length, keepOlder);
                written.add(new Written(key, version, i, length));
            }
            before = snapshot(e, written);
        }
        damage.apply();
        try (NeedleEngine e = NeedleEngine.open(config)) {
            Map<String, Object> after = snapshot(e, written);
            assertEquals(before.keySet(), after.keySet());
            for (String k : before.keySet()) {
                assertEquals(before.get(k), after.get(k), k);
            }
            // And the data is still there, byte for byte, for every version the index holds.
            for (Written w : written) {
                Optional<NeedleRecord> r = e.get(w.key(), w.versionId());
                if (r.isPresent() && !r.get().tombstone()) {
                    assertData(e, r.get(), data(w.seed(), w.length()));
                }
            }
        }
        // A clean reopen replays nothing and changes nothing either.
        try (NeedleEngine e = NeedleEngine.open(config)) {
            assertEquals(before, snapshot(e, written));
        }
    }

    /** Every answer the index gives about the written keys: newest, each version, and full listings. */
    private static Map<String, Object> snapshot(NeedleEngine e, List<Written> written) {
        Map<String, Object> s = new LinkedHashMap<>();
        int present = 0;
        int tombstones = 0;
        for (Written w : written) {
            s.put("newest " + w.key(), e.get(w.key()).orElse(null));
            Optional<NeedleRecord> v = e.get(w.key(), w.versionId());
            s.put("version " + w.key() + " " + w.versionId(), v.orElse(null));
            present += v.isPresent() ? 1 : 0;
            tombstones += v.isPresent() && v.get().tombstone() ? 1 : 0;
        }
        for (NeedleKind kind : NeedleKind.values()) {
            for (int b = 0; b < 3; b++) {
                s.put("list " + kind + " " + b, e.list(kind, "bucket" + b, "", null, 10_000, true));
                s.put("live " + kind + " " + b, e.list(kind, "bucket" + b, "k/1", null, 10_000, false));
            }
        }
        // The workload must have exercised what it claims to: superseded, kept and tombstoned versions.
        assertTrue(present > 300 && present < written.size(), "versions present: " + present);
        assertTrue(tombstones > 20, "tombstones: " + tombstones);
        return s;
    }
}
