package io.needlestack.core.account;

import java.util.concurrent.TimeUnit;

import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.expiry.CreatedExpiryPolicy;
import javax.cache.expiry.Duration;

/**
 * The distributed JCache caches that hold account records, shared by the manager (which
 * removes entries on every change, before it answers) and the gateways (which read through
 * them). Keys are the access key id and the bucket name; values are {@link AccountJson}
 * strings, never application classes, because each application has its own class loader and
 * the cache is shared by all of them.
 *
 * <p>Entries expire {@value #EXPIRY_MINUTES} minutes after they were written. Invalidation is
 * what keeps them correct; the expiry only bounds the one race invalidation cannot close (a
 * gateway that read the old record just before a change and stores it just after the
 * manager removed it).
 */
public final class AccountCaches {

    /** Access key id to credential JSON. */
    public static final String CREDENTIALS = "needlestack.credentials";
    /** Bucket name to bucket JSON. */
    public static final String BUCKETS = "needlestack.buckets";
    /** Lifetime of an entry. */
    public static final int EXPIRY_MINUTES = 5;

    private AccountCaches() {
    }

    /** The named cache of {@code manager}, created with the shared configuration if absent. */
    public static Cache<String, String> open(CacheManager manager, String name) {
        Cache<String, String> cache = manager.getCache(name);
        if (cache != null) {
            return cache;
        }
        MutableConfiguration<String, String> config = new MutableConfiguration<String, String>()
                .setStoreByValue(true)
                .setExpiryPolicyFactory(CreatedExpiryPolicy.factoryOf(new Duration(TimeUnit.MINUTES, EXPIRY_MINUTES)));
        try {
            return manager.createCache(name, config);
        } catch (CacheException createdMeanwhile) {
            // Another application or member created it between the two calls.
            Cache<String, String> existing = manager.getCache(name);
            if (existing == null) {
                throw createdMeanwhile;
            }
            return existing;
        }
    }
}
