package io.needlestack.storage.engine;

import static io.needlestack.storage.engine.EngineTestSupport.data;
import static io.needlestack.storage.engine.EngineTestSupport.obj;
import static io.needlestack.storage.engine.EngineTestSupport.put;
import static io.needlestack.storage.engine.EngineTestSupport.read;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.needlestack.storage.container.FsyncPolicy;
import io.needlestack.storage.container.TestFileLayer;
import io.needlestack.storage.store.NeedleKey;
import io.needlestack.storage.store.NeedleRecord;
import io.needlestack.storage.store.NeedleStoreException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Power loss: 32 threads PUT concurrently; the power goes (fsyncs fail from then on); every file
 * is cut back to its last fsynced length (the page cache is lost, RocksDB keeps entries for needles
 * that are now gone); the store reopens; every acknowledged PUT must be there, byte for byte.
 */
class PowerLossTest {
    private static final int THREADS = 32;

    @TempDir
    Path dir;

    private record Ack(NeedleKey key, long seed, int length) {
    }

    @Test
    void acknowledgedPutsSurvive() throws Exception {
        Result r = run(FsyncPolicy.GROUP);
        System.out.printf("power loss (group commit): %d PUTs acknowledged, %d failed at the loss, %d bytes cut, %d lost%n",
                r.acked, r.failed, r.cut, r.lost);
        assertTrue(r.acked > 200, "enough PUTs ran: " + r.acked);
        assertEquals(0, r.lost, "acknowledged PUTs lost");
    }

    /** The harness can see a missing fsync: without fsyncs, acknowledged PUTs do get lost. */
    @Test
    void withoutFsyncAcknowledgedPutsAreLost() throws Exception {
        Result r = run(FsyncPolicy.NONE);
        System.out.printf("power loss (fsync none): %d PUTs acknowledged, %d bytes cut, %d lost%n", r.acked, r.cut, r.lost);
        assertTrue(r.lost > 0, "the harness detects lost writes");
    }

    private record Result(int acked, int failed, long cut, int lost) {
    }

    private Result run(FsyncPolicy policy) throws Exception {
        TestFileLayer layer = new TestFileLayer();
        EngineConfig config = EngineConfig.of(dir).withMinFreeBytes(0).withFsyncPolicy(policy);
        ConcurrentLinkedQueue<Ack> acked = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<Throwable> unexpected = new ConcurrentLinkedQueue<>();
        int[] failed = new int[THREADS];
        NeedleEngine engine = NeedleEngine.open(config.withFileLayer(layer));
        CountDownLatch started = new CountDownLatch(THREADS);
        Thread[] threads = new Thread[THREADS];
        for (int t = 0; t < THREADS; t++) {
            int thread = t;
            threads[t] = new Thread(() -> {
                Random random = new Random(thread);
                started.countDown();
                for (int i = 0; i < 100_000 && !layer.powerLost; i++) {
                    long seed = thread * 1_000_000L + i;
                    int length = random.nextInt(20) == 0 ? 300_000 + random.nextInt(1000) : random.nextInt(4000);
                    NeedleKey key = obj("b", "t" + thread + "/" + i);
                    try {
                        put(engine, key, seed, "v", data(seed, length), false);
                        acked.add(new Ack(key, seed, length));
                    } catch (NeedleStoreException e) {
                        if (!layer.powerLost) {
                            unexpected.add(e);
                        }
                        failed[thread]++;
                        return; // the machine is off
                    }
                }
            });
            threads[t].start();
        }
        started.await();
        Thread.sleep(1500);
        layer.powerLost = true;
        for (Thread t : threads) {
            t.join(TimeUnit.SECONDS.toMillis(30));
        }
        assertEquals(List.of(), List.copyOf(unexpected));
        engine.close();
        long cut = layer.cutToSynced();

        int lost = 0;
        try (NeedleEngine reopened = NeedleEngine.open(config)) {
            for (Ack a : acked) {
                Optional<NeedleRecord> rec = reopened.get(a.key());
                if (rec.isEmpty() || !Arrays.equals(data(a.seed(), a.length()), read(reopened, rec.get()))) {
                    lost++;
                }
            }
            // The store works after the loss.
            put(reopened, obj("b", "after"), 1, "v", data(1, 10), false);
        }
        return new Result(acked.size(), Arrays.stream(failed).sum(), cut, lost);
    }
}
