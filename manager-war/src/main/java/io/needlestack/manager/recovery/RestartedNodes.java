package io.needlestack.manager.recovery;

import io.needlestack.core.node.RecoveryRecord;
import io.needlestack.manager.ring.ClusterException;
import io.needlestack.manager.ring.ClusterManager;
import io.needlestack.manager.ring.NodeState;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Returns a restarted node to {@code running} once it has recovered: every two seconds, a node in
 * state {@code restarted} whose published recovery record says it recovered since its process
 * started (hinted writes delivered, one recovery pass run) has its new process accepted, as
 * {@code needlestack-adm resume} would. A node that is still recovering stays {@code restarted}.
 */
@ApplicationScoped
public class RestartedNodes {

    private static final Logger LOG = Logger.getLogger(RestartedNodes.class.getName());
    private static final Set<String> FINISHED = Set.of("idle", "done", "failed");

    @Inject
    ClusterManager manager;
    @Inject
    RecoveryStates states;
    @Resource
    ManagedScheduledExecutorService scheduler;

    private ScheduledFuture<?> round;

    @Inject
    io.needlestack.manager.election.ManagerRole role;

    void start(@Observes @Initialized(ApplicationScoped.class) Object event) {
        if (scheduler != null) {
            round = scheduler.scheduleWithFixedDelay(this::round, 3, 2, TimeUnit.SECONDS);
        }
    }

    @PreDestroy
    void stop() {
        if (round != null) {
            round.cancel(false);
        }
    }

    /** True when the record says the node recovered after the process of that start time began. */
    static boolean recoveredSince(RecoveryRecord r, java.time.Instant processStart) {
        return r != null && r.recovered() && FINISHED.contains(r.state()) && r.updatedAt() != null
                && r.updatedAt().isAfter(processStart);
    }

    private void round() {
        if (role != null && !role.active()) {
            // Only the active manager decides node states; a standby's write would be fenced anyway.
            return;
        }
        try {
            ClusterManager.View view = manager.view();
            Map<String, RecoveryRecord> records = null;
            for (ClusterManager.NodeView v : view.nodes().values()) {
                if (v.state() != NodeState.RESTARTED || v.record() == null) {
                    continue;
                }
                if (records == null) {
                    records = states.all();
                }
                if (recoveredSince(records.get(v.id()), v.record().startedAt())) {
                    manager.resume(v.id());
                    LOG.info("node " + v.id() + " recovered after its restart: running again");
                }
            }
        } catch (ClusterException e) {
            LOG.log(Level.FINE, "restarted nodes not checked: " + e.getMessage());
        } catch (Exception e) {
            LOG.log(Level.FINE, "restarted nodes round failed", e);
        }
    }
}
