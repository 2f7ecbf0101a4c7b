package io.needlestack.gateway.cluster;

import com.hazelcast.map.IMap;
import io.needlestack.core.node.NodeRecord;
import io.needlestack.core.node.RecoveryRecord;
import io.needlestack.core.platform.PlatformServices;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.Collection;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Which ring members gateways must not read from: a node that restarted and has not yet
 * recovered (LeoFS's {@code restarted} state). A node is held while its published
 * {@link RecoveryRecord} says it has not recovered, or while its registry record shows a process
 * started after its last recovery finished. Writes still go to it. The held set is read from
 * Hazelcast at most once a second. Held nodes are released all together when every member would
 * be held (a whole cluster restarting has nobody fresher to read from).
 */
@ApplicationScoped
public class ReadGate {

    private static final Logger LOG = Logger.getLogger(ReadGate.class.getName());
    private static final long REFRESH_NANOS = 1_000_000_000L;

    private final PlatformServices platform = new PlatformServices();
    private volatile Set<String> held = Set.of();
    private volatile long refreshedAt;

    /** True when reads must not go to that node, given the ring's members. */
    public boolean isHeld(String nodeId, Collection<String> members) {
        refresh();
        Set<String> h = held;
        if (!h.contains(nodeId)) {
            return false;
        }
        return !h.containsAll(members);
    }

    /** The nodes held now (for health and tests). */
    public Set<String> held() {
        refresh();
        return held;
    }

    /**
     * The nodes to hold, from the recovery records and the registry records (JSON by node id): those
     * not recovered, and those whose process started after their record was last written (it has
     * not spoken since its restart).
     */
    static Set<String> heldNodes(Map<String, String> recovery, Map<String, String> registry) {
        Set<String> next = new HashSet<>();
        for (Map.Entry<String, String> e : recovery.entrySet()) {
            RecoveryRecord r = RecoveryRecord.fromJson(e.getValue());
            boolean stale = false;
            String node = registry.get(e.getKey());
            if (node != null && r.recovered() && r.updatedAt() != null) {
                stale = NodeRecord.fromJson(node).startedAt().isAfter(r.updatedAt());
            }
            if (!r.recovered() || stale) {
                next.add(e.getKey());
            }
        }
        return next;
    }

    private void refresh() {
        long now = System.nanoTime();
        if (now - refreshedAt < REFRESH_NANOS) {
            return;
        }
        refreshedAt = now;
        try {
            Optional<IMap<String, String>> recovery = platform.hazelcast().map(hz -> hz.getMap(RecoveryRecord.MAP));
            if (recovery.isEmpty()) {
                held = Set.of();
                return;
            }
            Map<String, String> nodes = platform.hazelcast().map(hz -> hz.<String, String>getMap(NodeRecord.MAP))
                    .map(Map::copyOf).orElse(Map.of());
            Set<String> next = heldNodes(Map.copyOf(recovery.get()), nodes);
            held = Set.copyOf(next);
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "could not read the recovery states", e);
        }
    }
}
