package io.needlestack.manager.recovery;

import io.needlestack.core.node.RecoveryRecord;
import io.needlestack.core.platform.PlatformServices;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.logging.Level;
import java.util.logging.Logger;

/** The recovery states nodes publish in Hazelcast ({@link RecoveryRecord#MAP}), by node id. */
@ApplicationScoped
public class RecoveryStates {

    private static final Logger LOG = Logger.getLogger(RecoveryStates.class.getName());

    private final PlatformServices platform = new PlatformServices();

    /** Every published record, by node id (empty without Hazelcast). */
    public Map<String, RecoveryRecord> all() {
        Map<String, RecoveryRecord> out = new TreeMap<>();
        platform.hazelcast().ifPresent(hz -> hz.<String, String>getMap(RecoveryRecord.MAP).forEach((id, json) -> {
            try {
                out.put(id, RecoveryRecord.fromJson(json));
            } catch (RuntimeException e) {
                LOG.log(Level.FINE, "unreadable recovery record of " + id, e);
            }
        }));
        return out;
    }

    /**
     * Each coordinator's repair queue as it last published it ({@link RecoveryRecord#HINTS_MAP}):
     * by coordinator id, the number of queued replica writes per target node. Stale entries of a
     * coordinator that stopped publishing are included as last seen.
     */
    public Map<String, Map<String, Long>> repairQueues() {
        Map<String, Map<String, Long>> out = new TreeMap<>();
        platform.hazelcast().ifPresent(hz -> hz.<String, String>getMap(RecoveryRecord.HINTS_MAP).forEach((id, json) -> {
            try {
                out.put(id, RecoveryRecord.hintTargets(json));
            } catch (RuntimeException e) {
                LOG.log(Level.FINE, "unreadable repair queue record of " + id, e);
            }
        }));
        return out;
    }

    /** One node's record. */
    public Optional<RecoveryRecord> of(String nodeId) {
        return Optional.ofNullable(all().get(nodeId));
    }
}
