package io.needlestack.gateway.manager;

import java.util.Optional;

import javax.cache.CacheManager;
import javax.naming.InitialContext;
import javax.naming.NamingException;

import com.hazelcast.core.HazelcastInstance;

/**
 * Payara's Hazelcast instance ({@code payara/Hazelcast}) and its JCache manager
 * ({@code payara/CacheManager}, shared by all applications, so the manager's invalidations
 * reach the gateway's caches), found through JNDI once. The gateway's only Payara-specific
 * code for the manager client; absent on a server without them (then: no cache, the local
 * manager).
 */
final class PayaraDirectory {

    private volatile Optional<HazelcastInstance> hazelcast;
    private volatile Optional<CacheManager> cacheManager;

    Optional<HazelcastInstance> hazelcast() {
        Optional<HazelcastInstance> h = hazelcast;
        if (h == null) {
            h = lookup("payara/Hazelcast", HazelcastInstance.class);
            hazelcast = h;
        }
        return h.filter(x -> x.getLifecycleService().isRunning());
    }

    Optional<CacheManager> cacheManager() {
        Optional<CacheManager> c = cacheManager;
        if (c == null) {
            c = lookup("payara/CacheManager", CacheManager.class);
            cacheManager = c;
        }
        return c.filter(x -> !x.isClosed());
    }

    private static <T> Optional<T> lookup(String name, Class<T> type) {
        try {
            Object o = new InitialContext().lookup(name);
            return type.isInstance(o) ? Optional.of(type.cast(o)) : Optional.empty();
        } catch (NamingException e) {
            return Optional.empty();
        }
    }
}
