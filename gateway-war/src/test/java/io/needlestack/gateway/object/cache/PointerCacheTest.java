package io.needlestack.gateway.object.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.needlestack.storage.store.NeedleKey;
import io.needlestack.storage.store.NeedleRecord;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class PointerCacheTest {

    private static final NeedleKey K = NeedleKey.object("b", "k");

    private static Optional<NeedleRecord> version(long hlc) {
        return Optional.of(new NeedleRecord(K, hlc, "v" + hlc, false, Map.of(), 1, "00", 0, 0, 0, 0));
    }

    @Test
    void aKeptAnswerIsTrustedUntilItsPromisesRunOutUnderTheSameEpoch() {
        PointerCache c = new PointerCache(100);
        assertTrue(c.fill(K, c.generation(K), version(1), 1_000, 7, false));
        assertEquals(version(1), c.trusted(K, 999, 7).orElseThrow().record());
        assertTrue(c.trusted(K, 1_000, 7).isEmpty(), "the promises ran out");
        assertTrue(c.trusted(K, 10, 8).isEmpty(), "the ring or the levels changed");
    }

    @Test
    void absenceIsKeptLikeAVersion() {
        PointerCache c = new PointerCache(100);
        c.fill(K, c.generation(K), Optional.empty(), 1_000, 0, false);
        assertEquals(Optional.empty(), c.trusted(K, 0, 0).orElseThrow().record());
    }

    @Test
    void aDropRemovesTheKeyAndRefusesAFillThatReadBeforeIt() {
        PointerCache c = new PointerCache(100);
        long before = c.generation(K);
        c.fill(K, before, version(1), 1_000, 0, false);
        c.drop(K);
        assertTrue(c.trusted(K, 0, 0).isEmpty());
        assertFalse(c.fill(K, before, version(1), 1_000, 0, false), "the HEAD was sent before the write's call-back");
        assertTrue(c.trusted(K, 0, 0).isEmpty());
        assertTrue(c.fill(K, c.generation(K), version(2), 1_000, 0, false), "a HEAD sent after the call-back is kept");
        assertEquals(version(2), c.trusted(K, 0, 0).orElseThrow().record());
    }

    @Test
    void theCacheIsBounded() {
        PointerCache c = new PointerCache(100);
        for (int i = 0; i < 10_000; i++) {
            NeedleKey k = NeedleKey.object("b", "k" + i);
            c.fill(k, c.generation(k), Optional.empty(), 1_000, 0, false);
        }
        assertTrue(c.size() <= 100, "size " + c.size());
    }

    /**
     * The race the generations are for: readers fill with what they read of a "store" while a
     * writer changes it and drops the key after each change, as a replica's call-back does. A
     * trusted answer is never older than the last write whose drop has returned.
     */
    @Test
    void noAnswerReadBeforeAWriteSurvivesThatWritesDrop() throws Exception {
        PointerCache c = new PointerCache(1_000);
        AtomicLong store = new AtomicLong(1);
        AtomicLong acknowledged = new AtomicLong(1);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong violations = new AtomicLong();
        AtomicLong trustedReads = new AtomicLong();
        CountDownLatch done = new CountDownLatch(4);
        for (int t = 0; t < 4; t++) {
            Thread reader = new Thread(() -> {
                try {
                    while (!stop.get()) {
                        long floor = acknowledged.get();
                        Optional<PointerCache.Entry> kept = c.trusted(K, 0, 0);
                        if (kept.isPresent()) {
                            trustedReads.incrementAndGet();
                            if (kept.get().record().orElseThrow().hlc() < floor) {
                                violations.incrementAndGet();
                            }
                            continue;
                        }
                        long g = c.generation(K);
                        long read = store.get();
                        Thread.onSpinWait();
                        c.fill(K, g, version(read), Long.MAX_VALUE, 0, false);
                    }
                } finally {
                    done.countDown();
                }
            });
            reader.start();
        }
        for (long v = 2; v < 200_000; v++) {
            store.set(v);
            c.drop(K);
            acknowledged.set(v);
        }
        stop.set(true);
        done.await();
        assertEquals(0, violations.get(), "answers older than the last acknowledged write were trusted");
        assertTrue(trustedReads.get() > 0, "the readers never used a kept answer: the test proved nothing");
    }
}
