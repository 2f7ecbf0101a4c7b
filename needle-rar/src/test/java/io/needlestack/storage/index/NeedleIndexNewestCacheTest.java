package io.needlestack.storage.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.needlestack.storage.store.NeedleKey;
import io.needlestack.storage.store.NeedleKind;
import io.needlestack.storage.store.NeedleRecord;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The index's cache of newest versions never answers older than the index itself. */
class NeedleIndexNewestCacheTest {

    @TempDir
    Path dir;

    private static final NeedleKey KEY = new NeedleKey(NeedleKind.OBJECT, "bucket", "hot-key");

    private static NeedleRecord version(NeedleKey key, long hlc, boolean tombstone) {
        return new NeedleRecord(key, hlc, "v" + hlc, tombstone, Map.of("content-type", "text/plain"), 4, "0".repeat(32), 0,
                1, hlc * 100, 100);
    }

    private NeedleIndex open() throws Exception {
        return NeedleIndex.open(dir.resolve("index"), dir.resolve("native"), 8 << 20, 4 << 20);
    }

    @Test
    void changesAreSeenAtOnceAfterTheKeyWasCached() throws Exception {
        try (NeedleIndex index = open()) {
            assertEquals(Optional.empty(), index.newest(KEY)); // absence cached
            index.apply(version(KEY, 10, false), true, 1, 100);
            assertEquals(10, index.newest(KEY).orElseThrow().hlc());
            assertEquals(10, index.newest(KEY).orElseThrow().hlc()); // from the cache
            index.apply(version(KEY, 20, true), false, 1, 200);
            assertTrue(index.newest(KEY).orElseThrow().tombstone());
            assertTrue(index.drop(KEY, 20, "v20"));
            assertEquals(10, index.newest(KEY).orElseThrow().hlc());
            index.dropContainers(Set.of(1));
            assertEquals(Optional.empty(), index.newest(KEY));
        }
    }

    @Test
    void anOlderWriteArrivingLateDoesNotReplaceTheCachedNewest() throws Exception {
        try (NeedleIndex index = open()) {
            index.apply(version(KEY, 50, false), false, 1, 100);
            assertEquals(50, index.newest(KEY).orElseThrow().hlc());
            index.apply(version(KEY, 40, false), false, 1, 200);
            assertEquals(50, index.newest(KEY).orElseThrow().hlc());
        }
    }

    @Test
    void readersRacingWritersNeverSeeAVersionOlderThanTheLastAcknowledged() throws Exception {
        try (NeedleIndex index = open()) {
            AtomicLong acknowledged = new AtomicLong();
            AtomicBoolean stop = new AtomicBoolean();
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                Future<?> writer = pool.submit(() -> {
                    for (long hlc = 1; hlc <= 5_000; hlc++) {
                        index.apply(version(KEY, hlc, false), true, 1, hlc);
                        acknowledged.set(hlc);
                    }
                    stop.set(true);
                    return null;
                });
                List<Future<Long>> readers = new ArrayList<>();
                for (int r = 0; r < 3; r++) {
                    readers.add(pool.submit(() -> {
                        long reads = 0;
                        while (!stop.get()) {
                            long floor = acknowledged.get();
                            long seen = index.newest(KEY).map(NeedleRecord::hlc).orElse(0L);
                            if (seen < floor) {
                                throw new AssertionError("read version " + seen + " after " + floor + " was acknowledged");
                            }
                            reads++;
                        }
                        return reads;
                    }));
                }
                writer.get(60, TimeUnit.SECONDS);
                long reads = 0;
                for (Future<Long> f : readers) {
                    reads += f.get(60, TimeUnit.SECONDS);
                }
                assertTrue(reads > 100, "readers ran " + reads + " reads");
                assertEquals(5_000, index.newest(KEY).orElseThrow().hlc());
            } finally {
                pool.shutdownNow();
            }
        }
    }
}
