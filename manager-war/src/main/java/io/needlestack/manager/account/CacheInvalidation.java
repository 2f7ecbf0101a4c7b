package io.needlestack.manager.account;

import java.util.Collection;

/**
 * Removes entries from the gateways' distributed caches, and then from every live gateway's
 * near cache (waiting a bounded time for their answers). Implemented by the cluster adapter;
 * an interface here so that the account logic does not depend on Payara's way of finding
 * the caches.
 */
public interface CacheInvalidation {

    /** Removes {@code keys} from the cache called {@code cacheName}; returns once removed. */
    void remove(String cacheName, Collection<String> keys);
}
