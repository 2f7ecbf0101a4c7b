package io.needlestack.core.internal;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

import javax.cache.Cache;

import io.needlestack.core.account.AccountCaches;
import io.needlestack.core.account.AccountJson;
import io.needlestack.core.account.BucketInfo;
import io.needlestack.core.account.Credential;

/**
 * A gateway's reads of the manager through the distributed account caches
 * ({@link AccountCaches}): a hit is answered from the cache, a miss asks the manager and
 * stores its JSON answer. Absence is never cached, so a key or bucket created a moment ago is
 * found at once; the manager removes entries after every change, before it answers, so a
 * deleted key or bucket is gone at once on every gateway. Bucket lists are not cached
 * (ListBuckets must be exact).
 *
 * <p>In front of the distributed cache sits a near cache per cache name: decoded records
 * held in this JVM for a short TTL, so the common request reads neither Hazelcast nor JSON. The
 * manager, after removing entries from the distributed cache, asks every live gateway to
 * {@link #invalidate} them and waits for the answers; the TTL bounds only what a gateway that
 * missed that call (unreachable at the time) may still honour. The near cache is used only
 * while the distributed cache exists: without a cluster nobody would invalidate it.
 *
 * <p>A cache that fails is logged and bypassed: the manager still answers.
 */
public final class CachedManagerClient {

    private static final Logger LOG = Logger.getLogger(CachedManagerClient.class.getName());

    private final ManagerInternalClient api;
    private final Function<String, Optional<Cache<String, String>>> caches;
    private final NearCache<Credential> nearCredentials;
    private final NearCache<BucketInfo> nearBuckets;

    /** Bound of each near cache (entries); a full one is emptied before the next insert. */
    public static final int NEAR_MAX_ENTRIES = 100_000;

    /**
     * A client without a near cache (every read asks the distributed cache): for callers that
     * the manager's invalidations do not reach.
     *
     * @param api the manager's internal API
     * @param caches the cache of a given name ({@link AccountCaches#CREDENTIALS},
     *        {@link AccountCaches#BUCKETS}), or empty when there is no cluster cache
     */
    public CachedManagerClient(ManagerInternalClient api, Function<String, Optional<Cache<String, String>>> caches) {
        this(api, caches, Duration.ZERO);
    }

    /**
     * @param api the manager's internal API
     * @param caches the cache of a given name ({@link AccountCaches#CREDENTIALS},
     *        {@link AccountCaches#BUCKETS}), or empty when there is no cluster cache
     * @param nearTtl how long a record is answered from this JVM before it is read again; zero
     *        switches the near cache off
     */
    public CachedManagerClient(ManagerInternalClient api, Function<String, Optional<Cache<String, String>>> caches,
                               Duration nearTtl) {
        this.api = Objects.requireNonNull(api, "api");
        this.caches = Objects.requireNonNull(caches, "caches");
        this.nearCredentials = new NearCache<>(nearTtl, NEAR_MAX_ENTRIES, System::nanoTime);
        this.nearBuckets = new NearCache<>(nearTtl, NEAR_MAX_ENTRIES, System::nanoTime);
    }

    /** See {@link ManagerInternalClient#credential}. */
    public Optional<Credential> credential(String accessKeyId) {
        return cached(AccountCaches.CREDENTIALS, nearCredentials, accessKeyId, AccountJson::credential,
                AccountJson::toJson, () -> api.credential(accessKeyId));
    }

    /** See {@link ManagerInternalClient#bucket}. */
    public Optional<BucketInfo> bucket(String name) {
        return cached(AccountCaches.BUCKETS, nearBuckets, name, AccountJson::bucket, AccountJson::toJson,
                () -> api.bucket(name));
    }

    /** See {@link ManagerInternalClient#buckets}; never cached. */
    public List<BucketInfo> buckets(String ownerId) {
        return api.buckets(ownerId);
    }

    /** See {@link ManagerInternalClient#createBucket}; the new record is cached. */
    public BucketInfo createBucket(String name, String ownerId, String region) {
        try {
            BucketInfo b = api.createBucket(name, ownerId, region);
            cache(AccountCaches.BUCKETS).ifPresent(c -> c.put(name, AccountJson.toJson(b)));
            return b;
        } finally {
            // The manager invalidated every gateway already; this covers its call to us failing.
            nearBuckets.invalidate(List.of(name));
        }
    }

    /** See {@link ManagerInternalClient#deleteBucket}. */
    public boolean deleteBucket(String name) {
        try {
            return api.deleteBucket(name);
        } finally {
            // The manager removed it as well; this covers an answer lost on the way back.
            cache(AccountCaches.BUCKETS).ifPresent(c -> c.remove(name));
            nearBuckets.invalidate(List.of(name));
        }
    }

    /**
     * Drops {@code keys} from this JVM's near cache of {@code cacheName}; the manager calls it
     * (through the gateway's internal plane) after every change, once the distributed cache no
     * longer holds them.
     *
     * @throws IllegalArgumentException for a cache name other than {@link AccountCaches#CREDENTIALS}
     *         and {@link AccountCaches#BUCKETS}
     */
    public void invalidate(String cacheName, Collection<String> keys) {
        near(cacheName).invalidate(keys);
    }

    private NearCache<?> near(String cacheName) {
        return switch (cacheName) {
            case AccountCaches.CREDENTIALS -> nearCredentials;
            case AccountCaches.BUCKETS -> nearBuckets;
            default -> throw new IllegalArgumentException("no account cache " + cacheName);
        };
    }

    private <T> Optional<T> cached(String cacheName, NearCache<T> near, String key, Function<String, T> decode,
                                   Function<T, String> encode, Supplier<Optional<T>> fetch) {
        Optional<T> hit = near.fresh(key);
        if (hit.isPresent()) {
            return hit;
        }
        // Taken before any read of the record, so an invalidation during the reads wins.
        long generation = near.generation();
        Optional<Cache<String, String>> cache = cache(cacheName);
        Optional<T> found = Optional.empty();
        if (cache.isPresent()) {
            String json = cache.get().get(key);
            if (json != null) {
                found = Optional.of(decode.apply(json));
            }
        }
        if (found.isEmpty()) {
            found = fetch.get();
            if (found.isPresent() && cache.isPresent()) {
                cache.get().put(key, encode.apply(found.get()));
            }
        }
        if (found.isPresent() && cache.isPresent()) {
            near.store(key, generation, found.get());
        } else if (found.isEmpty()) {
            near.forget(key);
        }
        return found;
    }

    private Optional<Cache<String, String>> cache(String name) {
        try {
            return caches.apply(name);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "account cache " + name + " unavailable, asking the manager", e);
            return Optional.empty();
        }
    }
}
