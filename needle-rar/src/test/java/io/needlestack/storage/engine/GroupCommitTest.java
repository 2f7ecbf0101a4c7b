package io.needlestack.storage.engine;

import static io.needlestack.storage.engine.EngineTestSupport.data;
import static io.needlestack.storage.engine.EngineTestSupport.obj;
import static io.needlestack.storage.engine.EngineTestSupport.put;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.needlestack.storage.container.TestFileLayer;
import io.needlestack.storage.store.StoreStats;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Concurrent PUTs share fsyncs: the numbers, asserted and printed.
 *
 * <p>Each thread has one PUT outstanding and an fsync covers one container. Writers of a data
 * directory all append to its one active container, so one fsync covers every PUT that arrived
 * while the previous one ran: whatever the number of containers, at 32 threads there must be
 * fewer fsyncs than a quarter of the PUTs.
 */
class GroupCommitTest {
    private static final int THREADS = 32;
    private static final int PUTS_PER_THREAD = 100;

    @TempDir
    Path dir;

    @Test
    void concurrentPutsShareFsyncs() throws Exception {
        for (int containers : new int[] {8, 2}) {
            // The default: an fsync waits (at most 2 ms) for PUTs that are about to append.
            StoreStats s = measure(containers, EngineConfig.DEFAULT_GROUP_COMMIT_DELAY_MICROS);
            assertTrue(s.fsyncs() < s.puts() / 4,
                    s.fsyncs() + " fsyncs for " + s.puts() + " PUTs over " + containers + " containers");
            // Without that wait fsyncs are still shared, if less so when fsync is fast.
            StoreStats eager = measure(containers, 0);
            assertTrue(eager.fsyncs() < eager.puts() / 1.5,
                    eager.fsyncs() + " fsyncs for " + eager.puts() + " PUTs without waiting");
        }
    }

    private StoreStats measure(int containers, long delayMicros) throws Exception {
        Path d = dir.resolve("c" + containers + "d" + delayMicros);
        TestFileLayer layer = new TestFileLayer();
        EngineConfig config = EngineConfig.of(d).withMinFreeBytes(0).withContainersPerDirectory(containers)
                .withGroupCommitDelayMicros(delayMicros).withFileLayer(layer);
        try (NeedleEngine e = NeedleEngine.open(config)) {
            long forcesBefore = layer.forces.get();
            ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
            CountDownLatch go = new CountDownLatch(1);
            Thread[] threads = new Thread[THREADS];
            for (int t = 0; t < THREADS; t++) {
                int thread = t;
                threads[t] = new Thread(() -> {
                    try {
                        go.await();
                        for (int i = 0; i < PUTS_PER_THREAD; i++) {
                            put(e, obj("b", "t" + thread + "/" + i), i + 1, "v", data(i, 1024), false);
                        }
                    } catch (Throwable ex) {
                        errors.add(ex);
                    }
                });
                threads[t].start();
            }
            long start = System.nanoTime();
            go.countDown();
            for (Thread t : threads) {
                t.join(60_000);
            }
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertEquals(List.of(), List.copyOf(errors));
            StoreStats s = e.stats();
            long forces = layer.forces.get() - forcesBefore;
            System.out.printf("group commit, %d containers, delay %d us: %d PUTs, %d fsyncs (%.1f PUTs per fsync), %d ms%n",
                    containers, delayMicros, s.puts(), s.fsyncs(), (double) s.puts() / s.fsyncs(), millis);
            assertEquals(THREADS * PUTS_PER_THREAD, s.puts());
            assertEquals(forces, s.fsyncs(), "every counted fsync reached the file layer");
            return s;
        }
    }
}
