package io.needlestack.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

class NearCacheTest {

    private final AtomicLong now = new AtomicLong(1_000_000_000L);

    private NearCache<String> cache(Duration ttl, int max) {
        return new NearCache<>(ttl, max, now::get);
    }

    @Test
    void aStoredValueIsServedUntilTheTtlThenNoLonger() {
        NearCache<String> c = cache(Duration.ofSeconds(5), 10);
        assertEquals(Optional.empty(), c.fresh("k"));
        assertTrue(c.store("k", c.generation(), "v1"));
        assertEquals(Optional.of("v1"), c.fresh("k"));
        now.addAndGet(Duration.ofMillis(4999).toNanos());
        assertEquals(Optional.of("v1"), c.fresh("k"));
        now.addAndGet(Duration.ofMillis(1).toNanos());
        assertEquals(Optional.empty(), c.fresh("k"), "served at or past its TTL");
        // Reloaded: the TTL counts from the new load.
        assertTrue(c.store("k", c.generation(), "v2"));
        assertEquals(Optional.of("v2"), c.fresh("k"));
    }

    @Test
    void invalidateRemovesOnlyTheGivenKeys() {
        NearCache<String> c = cache(Duration.ofSeconds(5), 10);
        c.store("a", c.generation(), "A");
        c.store("b", c.generation(), "B");
        c.store("c", c.generation(), "C");
        c.invalidate(List.of("a", "c", "not-held"));
        assertEquals(Optional.empty(), c.fresh("a"));
        assertEquals(Optional.of("B"), c.fresh("b"));
        assertEquals(Optional.empty(), c.fresh("c"));
        assertEquals(1, c.size());
    }

    @Test
    void aValueReadBeforeAnInvalidationIsNotStoredAfterIt() {
        NearCache<String> c = cache(Duration.ofSeconds(5), 10);
        long before = c.generation();
        // ... the loader reads the old record here, then the manager invalidates the key ...
        c.invalidate(List.of("k"));
        assertFalse(c.store("k", before, "old"));
        assertEquals(Optional.empty(), c.fresh("k"));
        // A load that began after the invalidation is stored.
        assertTrue(c.store("k", c.generation(), "new"));
        assertEquals(Optional.of("new"), c.fresh("k"));
    }

    @Test
    void anInvalidationOfAnotherKeyAlsoSkipsTheInsert() {
        NearCache<String> c = cache(Duration.ofSeconds(5), 10);
        c.store("k", c.generation(), "held");
        long before = c.generation();
        c.invalidate(List.of("other"));
        assertFalse(c.store("k", before, "newer"));
        // The entry it would have replaced stays (it was not invalidated).
        assertEquals(Optional.of("held"), c.fresh("k"));
    }

    @Test
    void aZeroTtlDisablesTheCache() {
        for (Duration off : List.of(Duration.ZERO, Duration.ofSeconds(-1))) {
            NearCache<String> c = cache(off, 10);
            assertFalse(c.enabled());
            assertFalse(c.store("k", c.generation(), "v"));
            assertEquals(Optional.empty(), c.fresh("k"));
            assertEquals(0, c.size());
        }
        assertTrue(cache(Duration.ofMillis(1), 10).enabled());
    }

    @Test
    void aFullCacheIsEmptiedBeforeTheNextNewKey() {
        NearCache<String> c = cache(Duration.ofSeconds(5), 3);
        c.store("a", c.generation(), "A");
        c.store("b", c.generation(), "B");
        c.store("c", c.generation(), "C");
        assertEquals(3, c.size());
        // A key already held is replaced without emptying.
        c.store("b", c.generation(), "B2");
        assertEquals(3, c.size());
        c.store("d", c.generation(), "D");
        assertEquals(1, c.size());
        assertEquals(Optional.of("D"), c.fresh("d"));
        assertEquals(Optional.empty(), c.fresh("a"));
    }

    @Test
    void forgetDropsAnEntry() {
        NearCache<String> c = cache(Duration.ofSeconds(5), 10);
        c.store("k", c.generation(), "v");
        now.addAndGet(Duration.ofSeconds(6).toNanos());
        c.forget("k");
        assertEquals(0, c.size());
    }

    /**
     * Loaders and invalidations on real threads: once an invalidation of "k" has returned, no
     * value a loader read before it is ever served. A loader reads the current "version" of the
     * record, then stores it; the invalidator bumps the version, then invalidates, then checks.
     */
    @Test
    void underConcurrencyNoValueOlderThanTheLastInvalidationIsServed() throws Exception {
        NearCache<Long> c = new NearCache<>(Duration.ofHours(1), 1000, System::nanoTime);
        AtomicLong version = new AtomicLong();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<String> failure = new AtomicReference<>();
        List<Thread> loaders = new ArrayList<>();
        CountDownLatch started = new CountDownLatch(4);
        for (int i = 0; i < 4; i++) {
            Thread t = new Thread(() -> {
                started.countDown();
                while (!stop.get()) {
                    if (c.fresh("k").isEmpty()) {
                        long g = c.generation();
                        long v = version.get(); // the "record" as the source holds it now
                        Thread.onSpinWait();
                        c.store("k", g, v);
                    }
                }
            });
            t.start();
            loaders.add(t);
        }
        assertTrue(started.await(10, TimeUnit.SECONDS));
        long deadline = System.nanoTime() + Duration.ofMillis(500).toNanos();
        int rounds = 0;
        while (System.nanoTime() < deadline && failure.get() == null) {
            long changed = version.incrementAndGet(); // the change, committed at the source
            c.invalidate(List.of("k"));               // then the synchronous invalidation
            for (int i = 0; i < 50; i++) {
                Optional<Long> seen = c.fresh("k");
                if (seen.isPresent() && seen.get() < changed) {
                    failure.set("served version " + seen.get() + " after the invalidation of version " + changed);
                }
            }
            rounds++;
        }
        stop.set(true);
        for (Thread t : loaders) {
            t.join(10_000);
        }
        assertEquals(null, failure.get());
        assertTrue(rounds > 10, "too few rounds: " + rounds);
    }
}
