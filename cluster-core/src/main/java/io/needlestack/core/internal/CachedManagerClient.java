package io.needlestack.core.internal;

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
 * <p>A cache that fails is logged and bypassed: the manager still answers.
 */
public final class CachedManagerClient {

    private static final Logger LOG = Logger.getLogger(CachedManagerClient.class.getName());

    private final ManagerInternalClient api;
    private final Function<String, Optional<Cache<String, String>>> caches;

    /**
     * @param api the manager's internal API
     * @param caches the cache of a given name ({@link AccountCaches#CREDENTIALS},
     *        {@link AccountCaches#BUCKETS}), or empty when there is no cluster cache
     */
    public CachedManagerClient(ManagerInternalClient api, Function<String, Optional<Cache<String, String>>> caches) {
        this.api = Objects.requireNonNull(api, "api");
        this.caches = Objects.requireNonNull(caches, "caches");
    }

    /** See {@link ManagerInternalClient#credential}. */
    public Optional<Credential> credential(String accessKeyId) {
        return cached(AccountCaches.CREDENTIALS, accessKeyId, AccountJson::credential, AccountJson::toJson,
                () -> api.credential(accessKeyId));
    }

    /** See {@link ManagerInternalClient#bucket}. */
    public Optional<BucketInfo> bucket(String name) {
        return cached(AccountCaches.BUCKETS, name, AccountJson::bucket, AccountJson::toJson, () -> api.bucket(name));
    }

    /** See {@link ManagerInternalClient#buckets}; never cached. */
    public List<BucketInfo> buckets(String ownerId) {
        return api.buckets(ownerId);
    }

    /** See {@link ManagerInternalClient#createBucket}; the new record is cached. */
    public BucketInfo createBucket(String name, String ownerId, String region) {
        BucketInfo b = api.createBucket(name, ownerId, region);
        cache(AccountCaches.BUCKETS).ifPresent(c -> c.put(name, AccountJson.toJson(b)));
        return b;
    }

    /** See {@link ManagerInternalClient#deleteBucket}. */
    public boolean deleteBucket(String name) {
        try {
            return api.deleteBucket(name);
        } finally {
            // The manager removed it as well; this covers an answer lost on the way back.
            cache(AccountCaches.BUCKETS).ifPresent(c -> c.remove(name));
        }
    }

    private <T> Optional<T> cached(String cacheName, String key, Function<String, T> decode,
                                   Function<T, String> encode, Supplier<Optional<T>> fetch) {
        Optional<Cache<String, String>> cache = cache(cacheName);
        if (cache.isPresent()) {
            String json = cache.get().get(key);
            if (json != null) {
                return Optional.of(decode.apply(json));
            }
        }
        Optional<T> fetched = fetch.get();
        if (fetched.isPresent() && cache.isPresent()) {
            cache.get().put(key, encode.apply(fetched.get()));
        }
        return fetched;
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
