package io.needlestack.storage.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.needlestack.storage.container.FsyncPolicy;
import io.needlestack.storage.store.NeedleKey;
import io.needlestack.storage.store.NeedleKind;
import io.needlestack.storage.store.NeedleRecord;
import io.needlestack.storage.store.NeedleWrite;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Opt-in measurement (not part of the suite's pass/fail): the memory a store with a million
 * objects costs, with the node's default RocksDB bounds (8 MiB block cache, 4 MiB write buffers).
 * Writes {@code needlestack.bench.million.count} (default 1,000,000) small objects with S3-like
 * metadata, reopens the store as a restarted node would, reads 300,000 random keys (index lookups
 * and data), and prints the process RSS and heap before and after. Run:
 * {@code mvn -o -pl needle-rar test -Dtest=MillionNeedlesMemoryTest -Dneedlestack.bench.million=true
 * -Dsurefire.failIfNoSpecifiedTests=false}.
 */
@EnabledIfSystemProperty(named = "needlestack.bench.million", matches = "true")
class MillionNeedlesMemoryTest {

    @TempDir
    Path dir;

    private static long rssKib() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return -1;
    }

    private static long heapUsedMib() {
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() >> 20;
    }

    private static NeedleKey key(int i) {
        return new NeedleKey(NeedleKind.OBJECT, "bench-bucket", String.format("data/%03d/object-%07d.bin", i % 1000, i));
    }

    @Test
    void aMillionObjects() throws Exception {
        int count = Integer.getInteger("needlestack.bench.million.count", 1_000_000);
        EngineConfig config = EngineConfig.of(dir).withFsyncPolicy(FsyncPolicy.NONE);
        byte[] body = new byte[128];
        long rss0;
        long heap0;
        try (NeedleEngine e = NeedleEngine.open(config)) {
            rss0 = rssKib();
            heap0 = heapUsedMib();
            long t0 = System.nanoTime();
            ExecutorService pool = Executors.newFixedThreadPool(4);
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int first = t;
                done.add(pool.submit(() -> {
                    for (int i = first; i < count; i += 4) {
                        Map<String, String> meta = Map.of("content-type", "application/octet-stream",
                                "size", "128", "owner", "root", "x-amz-meta-origin", "bench");
                        e.put(new NeedleWrite(key(i), 1_000_000L + i, "v" + Long.toHexString(1_000_000L + i), false,
                                meta), new ByteArrayInputStream(body), body.length, false);
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
            pool.shutdown();
            System.out.printf("wrote %,d objects in %.1f s%n", count, (System.nanoTime() - t0) / 1e9);
        }
        try (NeedleEngine e = NeedleEngine.open(config)) {
            long rssOpen = rssKib();
            int found = 0;
            for (int n = 0; n < 300_000; n++) {
                int i = ThreadLocalRandom.current().nextInt(count);
                NeedleRecord r = e.get(key(i)).orElseThrow();
                found++;
                if (n % 10 == 0) {
                    try (InputStream in = e.openData(r, 0, r.dataLength())) {
                        assertEquals(128, in.readAllBytes().length);
                    }
                }
            }
            long rss1 = rssKib();
            long heap1 = heapUsedMib();
            long rocks = e.indexMemoryBytes();
            System.out.printf("RSS before %,d KiB, after reopening %,d KiB, after 300,000 random reads %,d KiB "
                    + "(+%,d MiB); heap used %d MiB before, %d MiB after; RocksDB holds %,d KiB "
                    + "(block cache, table readers, memtables)%n", rss0, rssOpen, rss1,
                    (rss1 - rss0) >> 10, heap0, heap1, rocks >> 10);
            assertEquals(300_000, found);
            // Bounded by configuration (8 MiB block cache, two 4 MiB memtables), not by the count.
            assertTrue(rocks < 32L << 20, "RocksDB holds " + (rocks >> 20) + " MiB");
            // The node's budget: about 550 MiB for Payara and the node, the rest for the store.
            assertTrue((rss1 - rss0) >> 10 < 400, "the store grew the process by " + ((rss1 - rss0) >> 10) + " MiB");
        }
    }
}
