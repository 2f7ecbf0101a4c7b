package io.needlestack.gateway.object.cache;

import com.github.benmanes.caffeine.cache.Weigher;
import com.github.benmanes.caffeine.jcache.configuration.CaffeineConfiguration;
import com.github.benmanes.caffeine.jcache.spi.CaffeineCachingProvider;
import java.net.URI;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Predicate;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.Factory;
import javax.cache.configuration.MutableCacheEntryListenerConfiguration;
import javax.cache.event.CacheEntryEvent;
import javax.cache.event.CacheEntryRemovedListener;

/**
 * Small bodies in memory: a JCache cache of Caffeine's provider, which is node-local (Payara's own
 * provider is Hazelcast's, partitioned over the cluster: a hit would mostly cost a network hop and
 * a copy, and it is bounded by entry count only), bounded by bytes through a weigher, one entry per
 * name. Entries are stored by reference: a body is never modified once cached.
 */
final class MemoryTier implements AutoCloseable {

    /** Bytes an entry costs beyond its body (key, wrappers, the map's node), roughly. */
    static final int ENTRY_OVERHEAD = 256;
    private static final AtomicLong INSTANCES = new AtomicLong();

    /** What an entry holds: the version and its complete body (and whether it was read since). */
    static final class Body extends FillThrottle.Entry {
        final VersionKey version;
        final byte[] data;

        Body(VersionKey version, byte[] data) {
            this.version = version;
            this.data = data;
        }
    }

    private final CacheManager manager;
    private final Cache<String, Body> cache;
    private final com.github.benmanes.caffeine.cache.Cache<?, ?> underlying;
    private final LongAdder evictions = new LongAdder();

    MemoryTier(long maxBytes) {
        CaffeineCachingProvider provider = new CaffeineCachingProvider();
        ClassLoader loader = MemoryTier.class.getClassLoader();
        manager = provider.getCacheManager(URI.create("needlestack:object-cache:" + INSTANCES.incrementAndGet()),
                loader, new Properties());
        CaffeineConfiguration<String, Body> config = new CaffeineConfiguration<>();
        config.setTypes(String.class, Body.class);
        config.setStoreByValue(false);
        config.setMaximumWeight(OptionalLong.of(maxBytes));
        Factory<Weigher<String, Body>> weigher = () -> (k, b) -> b.data.length + ENTRY_OVERHEAD;
        config.setWeigherFactory(Optional.of(weigher));
        // Maintenance and events on the calling thread: no pool threads the server does not manage.
        Factory<Executor> sameThread = () -> Runnable::run;
        config.setExecutorFactory(sameThread);
        CacheEntryRemovedListener<String, Body> counter = new CacheEntryRemovedListener<>() {
            @Override
            public void onRemoved(Iterable<CacheEntryEvent<? extends String, ? extends Body>> events) {
                // Nothing removes entries through JCache (a purge goes around it): every removal
                // event is an eviction.
                events.forEach(e -> evictions.increment());
            }
        };
        Factory<CacheEntryRemovedListener<String, Body>> listener = () -> counter;
        config.addCacheEntryListenerConfiguration(
                new MutableCacheEntryListenerConfiguration<>(listener, null, false, true));
        cache = manager.createCache("objects", config);
        underlying = cache.unwrap(com.github.benmanes.caffeine.cache.Cache.class);
    }

    /** The entry of exactly this version, if held. */
    Body get(VersionKey version) {
        Body b = cache.get(version.slot());
        return b != null && b.version.equals(version) ? b : null;
    }

    /** Holds a complete, verified body, replacing whatever version of the name was held. */
    void put(VersionKey version, byte[] data) {
        cache.put(version.slot(), new Body(version, data));
    }

    /**
     * Drops every entry whose slot ({@link VersionKey#slot()}) {@code slots} accepts, whatever
     * version it holds (an operator's purge). Through the underlying Caffeine cache: its eviction
     * listener hears only evictions, so a purge is not counted as one.
     *
     * @return how many entries were dropped
     */
    int purge(Predicate<String> slots) {
        int dropped = 0;
        for (Object key : List.copyOf(underlying.asMap().keySet())) {
            if (key instanceof String slot && slots.test(slot) && underlying.asMap().remove(slot) != null) {
                dropped++;
            }
        }
        return dropped;
    }

    long evictions() {
        return evictions.sum();
    }

    long bytes() {
        underlying.cleanUp();
        return underlying.policy().eviction().map(e -> e.weightedSize().orElse(0)).orElse(0L);
    }

    long entries() {
        return underlying.estimatedSize();
    }

    @Override
    public void close() {
        manager.close();
    }
}
