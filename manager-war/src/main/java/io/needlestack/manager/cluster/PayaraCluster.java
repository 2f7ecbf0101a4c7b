package io.needlestack.manager.cluster;

import io.needlestack.core.node.NodeRecord;
import io.needlestack.core.platform.PlatformServices;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import io.needlestack.core.ring.RingPublication;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;

import javax.cache.Cache;
import javax.cache.CacheManager;

import com.hazelcast.core.HazelcastInstance;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.needlestack.core.account.AccountCaches;
import io.needlestack.core.config.NodeConfig;
import io.needlestack.core.internal.ManagerLocation;
import io.needlestack.manager.account.CacheInvalidation;

/**
 * Payara's Hazelcast instance ({@code payara/Hazelcast}) and JCache manager
 * ({@code payara/CacheManager}, one for all applications, so the gateway and the manager see
 * the same caches), found through JNDI. The only Payara-specific class of the manager; on a
 * server without them (WildFly) a later issue brings its own Hazelcast here.
 */
@ApplicationScoped
public class PayaraCluster implements CacheInvalidation {

    private static final Logger LOG = Logger.getLogger(PayaraCluster.class.getName());
    private final PlatformServices platform = new PlatformServices();

    private volatile String published;

    @Inject
    GatewayNearCaches nearCaches;

    /**
     * Removes the keys from the distributed cache, then from every live gateway's near cache
     * ({@link GatewayNearCaches}: waits up to two seconds for their answers). In this order, so
     * a gateway that reloads after its near-cache invalidation cannot find the old record in
     * the distributed cache.
     */
    @Override
    public void remove(String cacheName, Collection<String> keys) {
        if (keys.isEmpty()) {
            return;
        }
        Optional<CacheManager> cm = cacheManager();
        if (cm.isEmpty()) {
            // No cluster: the gateways keep no near cache without the distributed one.
            return;
        }
        Cache<String, String> cache = AccountCaches.open(cm.get(), cacheName);
        for (String k : keys) {
            cache.remove(k);
        }
        try {
            nearCaches.invalidate(nodeRecords(), cacheName, keys);
        } catch (RuntimeException e) {
            // The change is committed: failing the caller would not undo it. The TTL bounds the rest.
            LOG.log(Level.WARNING, "near-cache invalidation of " + cacheName + " failed; gateways may answer"
                    + " with the old record until needlestack.account.cache.local.seconds have passed", e);
        }
    }

    /** Whether Hazelcast and the shared JCache manager are available. */
    public boolean clustered() {
        return hazelcast().isPresent() && cacheManager().isPresent();
    }

    /** The base URL this manager publishes, or null before {@link #publish}. */
    public String published() {
        return published;
    }

    /**
     * Publishes this node as the active manager, so gateways find it.
     *
     * @return the published base URL
     */
    public String publish(NodeConfig config) {
        String url = endpoint(config);
        published = url;
        hazelcast().ifPresent(hz -> hz.getMap(ManagerLocation.MAP).put(ManagerLocation.ACTIVE, url));
        LOG.info(() -> "manager internal API at " + url + ManagerLocation.INTERNAL_PATH
                + (hazelcast().isPresent() ? " (published in Hazelcast)" : " (no Hazelcast: not published)"));
        return url;
    }

    /** This node's manager base URL: {@code needlestack.manager.url}, else from bind address and port. */
    public String endpoint(NodeConfig config) {
        String url = config.get("needlestack.manager.url").orElseGet(() -> baseUrl(config));
        URI.create(url); // fail fast on a malformed override
        return url;
    }

    /**
     * The active manager's check of every round: puts {@code url} back when the map names another
     * address (a deposed manager wrote it late) or none (its entry was lost with a member).
     */
    public void ensurePublished(String url) {
        hazelcast().ifPresent(hz -> {
            Map<String, String> m = hz.getMap(ManagerLocation.MAP);
            String now = m.get(ManagerLocation.ACTIVE);
            if (!url.equals(now)) {
                m.put(ManagerLocation.ACTIVE, url);
                published = url;
                LOG.info(() -> "manager address re-published: the map held " + now + ", not " + url);
            }
        });
    }

    @PreDestroy
    void withdraw() {
        String url = published;
        if (url == null) {
            return;
        }
        try {
            // Only our own entry: another manager may have taken over meanwhile.
            hazelcast().ifPresent(hz -> hz.getMap(ManagerLocation.MAP).remove(ManagerLocation.ACTIVE, url));
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "could not withdraw the manager address (cluster shutting down?)", e);
        }
    }

    static String baseUrl(NodeConfig config) {
        String host = config.bindAddress();
        if (host.equals("0.0.0.0") || host.equals("::") || host.isBlank()) {
            try {
                host = InetAddress.getLocalHost().getHostAddress();
            } catch (UnknownHostException e) {
                host = "127.0.0.1";
            }
        }
        if (host.contains(":") && !host.startsWith("[")) {
            host = "[" + host + "]";
        }
        return "http://" + host + ":" + config.httpPort();
    }

    /** The node registry's records (empty without Hazelcast); unreadable entries are skipped. */
    public List<NodeRecord> nodeRecords() {
        return hazelcast().map(hz -> hz.<String, String>getMap(NodeRecord.MAP).values().stream()
                .flatMap(json -> {
                    try {
                        return Stream.of(NodeRecord.fromJson(json));
                    } catch (RuntimeException e) {
                        LOG.log(Level.WARNING, "unreadable node record " + json, e);
                        return Stream.<NodeRecord>empty();
                    }
                }).toList()).orElse(List.of());
    }

    /**
     * Publishes the ring and consistency levels ({@link RingPublication}); a null ring publishes
     * only the levels.
     *
     * @return false without Hazelcast (nothing published)
     */
    public boolean publishRing(String ringText, String consistency) {
        Optional<HazelcastInstance> hz = hazelcast();
        if (hz.isEmpty()) {
            return false;
        }
        Map<String, String> map = hz.get().getMap(RingPublication.MAP);
        if (ringText != null) {
            map.put(RingPublication.CURRENT, ringText);
        }
        map.put(RingPublication.CONSISTENCY, consistency);
        return true;
    }

    /**
     * Publishes the ring a rebalance leaves ({@link RingPublication#PREVIOUS}), or withdraws it
     * when {@code ringText} is null.
     */
    public void publishPreviousRing(String ringText) {
        hazelcast().ifPresent(hz -> {
            Map<String, String> map = hz.getMap(RingPublication.MAP);
            if (ringText == null) {
                map.remove(RingPublication.PREVIOUS);
            } else {
                map.put(RingPublication.PREVIOUS, ringText);
            }
        });
    }

    /** Withdraws the previous ring only if it is still {@code ringText} (another rebalance may have replaced it). */
    public boolean withdrawPreviousRing(String ringText) {
        return hazelcast().map(hz -> hz.<String, String>getMap(RingPublication.MAP)
                .remove(RingPublication.PREVIOUS, ringText)).orElse(false);
    }

    /** The previous ring's text while a rebalance runs, or null. */
    public String publishedPreviousRingText() {
        return hazelcast().map(hz -> hz.<String, String>getMap(RingPublication.MAP).get(RingPublication.PREVIOUS))
                .orElse(null);
    }

    /** Every node's rebalance progress JSON ({@link io.needlestack.core.ring.RebalanceProgress#MAP}), by node id. */
    public Map<String, String> rebalanceProgress() {
        return hazelcast().map(hz -> Map.copyOf(hz.<String, String>getMap(
                io.needlestack.core.ring.RebalanceProgress.MAP))).orElse(Map.of());
    }

    /** The ring text currently in the publication map, or null. */
    public String publishedRingText() {
        return hazelcast().map(hz -> hz.<String, String>getMap(RingPublication.MAP).get(RingPublication.CURRENT))
                .orElse(null);
    }

    private Optional<HazelcastInstance> hazelcast() {
        return platform.hazelcast();
    }

    private Optional<CacheManager> cacheManager() {
        return platform.cacheManager();
    }
}
