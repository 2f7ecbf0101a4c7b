package io.needlestack.gateway.object.cache;

import io.needlestack.core.config.NodeConfig;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.logging.Logger;

/** This gateway's {@link ObjectCache}, sized by the node's {@code needlestack.cache.*} properties. */
@ApplicationScoped
public class GatewayCache {

    private static final Logger LOG = Logger.getLogger(GatewayCache.class.getName());

    private ObjectCache cache;

    @PostConstruct
    void init() {
        NodeConfig config = NodeConfig.current();
        CacheSettings settings = CacheSettings.from(config);
        cache = new ObjectCache(settings, config.dataDirectory().resolve("gateway").resolve("cache"));
        LOG.info(() -> "object cache: " + settings);
    }

    @PreDestroy
    void close() {
        if (cache != null) {
            cache.close();
        }
    }

    /** The cache. */
    public ObjectCache cache() {
        return cache;
    }

    /** Counters per tier. */
    public List<TierStats> stats() {
        return cache.stats();
    }
}
