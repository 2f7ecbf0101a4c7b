package io.needlestack.core.platform;

import java.util.Optional;

import javax.cache.CacheManager;
import javax.naming.InitialContext;
import javax.naming.NamingException;

import com.hazelcast.core.HazelcastInstance;

/**
 * The cluster services the server provides, found through JNDI once: Payara's Hazelcast instance
 * ({@code payara/Hazelcast}) and its JCache manager ({@code payara/CacheManager}, shared by all
 * applications of the node, so one application's invalidations reach another's caches). The one
 * place that knows Payara's names: a server without them (WildFly) gets an adapter of its own
 * here, and callers see empty results meanwhile.
 */
public final class PlatformServices {

    /** JNDI name of Payara's Hazelcast instance. */
    public static final String HAZELCAST_JNDI = "payara/Hazelcast";
    /** JNDI name of Payara's JCache manager. */
    public static final String CACHE_MANAGER_JNDI = "payara/CacheManager";


    private volatile Optional<HazelcastInstance> hazelcast;
    private volatile Optional<CacheManager> cacheManager;

    /** The running Hazelcast instance, if the server has one. */
    public Optional<HazelcastInstance> hazelcast() {
        Optional<HazelcastInstance> h = hazelcast;
        if (h == null) {
            h = lookup(HAZELCAST_JNDI, HazelcastInstance.class);
            hazelcast = h;
        }
        return h.filter(x -> x.getLifecycleService().isRunning());
    }

    /** The open JCache manager, if the server has one. */
    public Optional<CacheManager> cacheManager() {
        Optional<CacheManager> c = cacheManager;
        if (c == null) {
            c = lookup(CACHE_MANAGER_JNDI, CacheManager.class);
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
