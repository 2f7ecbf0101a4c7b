package io.needlestack.core.internal;

import java.time.Duration;
import java.util.Collection;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * One gateway's in-JVM copy of decoded account records ({@link CachedManagerClient}), in front of
 * the distributed cache: a read of the distributed cache is a Hazelcast partition operation on
 * which Payara also pushes its context, too expensive for every S3 request.
 *
 * <p>Only values are held (absence is never cached), each for at most {@code ttl} after it was
 * loaded; a zero TTL switches the cache off. The manager invalidates keys synchronously after a
 * change ({@link #invalidate}), so the TTL only bounds how long a node that missed an
 * invalidation (unreachable at the time) may still answer with an old record.
 *
 * <p>Race guard: a loader takes {@link #generation()} before it reads the distributed cache or
 * the manager and hands it to {@link #store}; every invalidation increments the generation
 * before it removes its keys, and {@code store} inserts only if the generation is unchanged,
 * checked inside the map's per-key lock. So a value read before an invalidation is never held
 * after that invalidation returned: either {@code store} runs first and the invalidation's
 * removal (same key lock, later) drops it, or it runs afterwards and sees the new generation.
 * An invalidation of any key makes concurrent loads of other keys skip their insert too; they
 * are simply loaded again on the next read.
 *
 * <p>Bounded by {@code maxEntries}: an insert into a full map first empties it (rare; keeps the
 * code obvious). Thread-safe.
 *
 * @param <T> the decoded record type
 */
final class NearCache<T> {

    private record Entry<T>(T value, long loadedAt) {
    }

    private final ConcurrentHashMap<String, Entry<T>> map = new ConcurrentHashMap<>();
    private final AtomicLong generation = new AtomicLong();
    private final long ttlNanos;
    private final int maxEntries;
    private final LongSupplier nanoClock;

    /**
     * @param ttl how long a loaded value is served; zero or negative switches the cache off
     * @param maxEntries the bound of the map
     * @param nanoClock a monotonic clock in nanoseconds ({@code System::nanoTime})
     */
    NearCache(Duration ttl, int maxEntries, LongSupplier nanoClock) {
        this.ttlNanos = ttl.isNegative() ? 0 : ttl.toNanos();
        if (maxEntries < 1) {
            throw new IllegalArgumentException("maxEntries must be positive: " + maxEntries);
        }
        this.maxEntries = maxEntries;
        this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
    }

    /** Whether the cache holds anything at all (a positive TTL). */
    boolean enabled() {
        return ttlNanos > 0;
    }

    /** The value loaded for {@code key} less than the TTL ago, else empty. */
    Optional<T> fresh(String key) {
        Entry<T> e = map.get(key);
        if (e == null || nanoClock.getAsLong() - e.loadedAt() >= ttlNanos) {
            return Optional.empty();
        }
        return Optional.of(e.value());
    }

    /** The generation to pass to {@link #store}, taken before the value is read from its source. */
    long generation() {
        return generation.get();
    }

    /**
     * Holds {@code value} for {@code key}, unless an invalidation happened since
     * {@code generationBefore} was taken.
     *
     * @return whether the value was stored
     */
    boolean store(String key, long generationBefore, T value) {
        Objects.requireNonNull(value, "value");
        if (!enabled()) {
            return false;
        }
        if (map.size() >= maxEntries && !map.containsKey(key)) {
            map.clear();
        }
        long loadedAt = nanoClock.getAsLong();
        boolean[] stored = {false};
        map.compute(key, (k, old) -> {
            if (generation.get() != generationBefore) {
                return old;
            }
            stored[0] = true;
            return new Entry<>(value, loadedAt);
        });
        return stored[0];
    }

    /** Drops an expired entry whose source now says the key does not exist (no generation change needed). */
    void forget(String key) {
        map.remove(key);
    }

    /** Removes {@code keys}; a load that began before this call will not store its value. */
    void invalidate(Collection<String> keys) {
        // Increment first: a store that takes the key lock after our removal sees the new value.
        generation.incrementAndGet();
        for (String k : keys) {
            map.remove(k);
        }
    }

    /** The number of entries held (fresh or expired). */
    int size() {
        return map.size();
    }
}
