package io.needlestack.manager.election;

import io.needlestack.core.config.NodeConfig;
import io.needlestack.manager.bootstrap.ManagerStartup;
import io.needlestack.manager.cluster.PayaraCluster;
import io.needlestack.manager.ring.ClusterException;
import io.needlestack.manager.ring.ClusterManager;
import io.needlestack.manager.ring.RingStore;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * This node's manager role: active (holds the manager lease, see {@link LeaseElector}) or
 * standby. Elected, it publishes its address for the gateways ({@link PayaraCluster#publish})
 * and lets {@link ClusterManager} take over (reload and publish the stored ring); deposed, it
 * stops acting at once. The active manager re-checks its published address every round, so a
 * stale address written by a deposed manager is corrected within a round.
 *
 * <p>Settings: {@code needlestack.manager.lease.ms} (default 6000), the time a standby waits
 * after the lease last changed before taking it over; the lease is renewed (and watched) every
 * fifth of it.
 */
@ApplicationScoped
public class ManagerRole {

    private static final Logger LOG = Logger.getLogger(ManagerRole.class.getName());
    /** The default lease duration. */
    public static final Duration DEFAULT_LEASE = Duration.ofMillis(6000);

    @Resource(lookup = ManagerStartup.DATASOURCE)
    DataSource dataSource;

    @Resource
    ManagedScheduledExecutorService scheduler;

    @Inject
    PayaraCluster cluster;

    @Inject
    ClusterManager clusterManager;

    private volatile LeaseElector elector;
    private volatile String nodeId = "";
    private volatile String endpoint = "";
    private volatile Duration lease = DEFAULT_LEASE;
    private volatile Instant since;
    private volatile NodeConfig config;
    private volatile ScheduledFuture<?> round;
    private ScheduledFuture<?> duties;
    private volatile String lastProblem = "";

    /**
     * Joins the election: a first round at once (a lone manager is active before it serves), then
     * one every fifth of the lease duration.
     */
    public synchronized void start(NodeConfig config) {
        this.config = config;
        nodeId = config.nodeId();
        endpoint = cluster.endpoint(config);
        lease = Duration.ofMillis(Math.max(1000, config.getLong("needlestack.manager.lease.ms", DEFAULT_LEASE.toMillis())));
        elector = new LeaseElector(new LeaseStore(dataSource), nodeId, endpoint, lease, System::nanoTime, new Listener());
        since = Instant.now();
        round();
        if (!active()) {
            LOG.info(() -> "manager " + nodeId + " stands by (lease " + lease.toMillis() + " ms); active manager: "
                    + activeEndpoint().orElse("none yet"));
        }
        if (scheduler != null) {
            long every = Math.max(200, lease.toMillis() / 5);
            round = scheduler.scheduleWithFixedDelay(this::round, every, every, TimeUnit.MILLISECONDS);
            duties = scheduler.scheduleWithFixedDelay(this::duties, every, every, TimeUnit.MILLISECONDS);
        }
    }

    private final class Listener implements LeaseElector.Listener {
        @Override
        public void elected(long term) {
            since = Instant.now();
            LOG.info(() -> "manager " + nodeId + " is now the ACTIVE manager (term " + term + ", " + endpoint + ")");
            // Off the lease thread: a Hazelcast call that waits for a dead member's partitions
            // must never delay the next renewal.
            Runnable takeOver = () -> {
                cluster.publish(config);
                try {
                    clusterManager.takeOver();
                } catch (SQLException | RuntimeException e) {
                    LOG.log(Level.WARNING, "taking over the cluster state failed; retried at the next ring round", e);
                }
            };
            if (scheduler != null && round != null) {
                scheduler.execute(takeOver);
            } else {
                takeOver.run(); // the first round, in start(): a lone manager publishes before it serves
            }
        }

        @Override
        public void deposed(long term, String reason) {
            since = Instant.now();
            LOG.warning(() -> "manager " + nodeId + " is no longer active (term " + term + "): " + reason
                    + "; standing by");
        }
    }

    private void round() {
        LeaseElector e = elector;
        if (e == null) {
            return;
        }
        try {
            e.tick();
            lastProblem = "";
        } catch (SQLException | RuntimeException ex) {
            String p = String.valueOf(ex.getMessage());
            if (!p.equals(lastProblem)) {
                LOG.log(Level.WARNING, "manager lease round failed (the database unreachable?)", ex);
            }
            lastProblem = p;
        }
    }

    /** The active manager's own round: keeps its address published. */
    private void duties() {
        try {
            if (active()) {
                cluster.ensurePublished(endpoint);
            }
        } catch (RuntimeException ex) {
            LOG.log(Level.FINE, "could not check the published manager address", ex);
        }
    }

    @PreDestroy
    synchronized void stop() {
        if (round != null) {
            round.cancel(false);
        }
        if (duties != null) {
            duties.cancel(false);
        }
        LeaseElector e = elector;
        if (e != null) {
            try {
                e.release();
                LOG.info(() -> "manager " + nodeId + " released the manager lease");
            } catch (SQLException | RuntimeException ex) {
                LOG.log(Level.FINE, "could not release the manager lease (a standby takes it when it lapses)", ex);
            }
        }
    }

    /** Whether this node is the active manager now. */
    public boolean active() {
        LeaseElector e = elector;
        return e != null && e.active();
    }

    /** This node's id. */
    public String nodeId() {
        return nodeId;
    }

    /** The base URL of the active manager as this node knows it: its own when active. */
    public Optional<String> activeEndpoint() {
        LeaseElector e = elector;
        if (e == null) {
            return Optional.empty();
        }
        if (e.active()) {
            return Optional.of(endpoint);
        }
        LeaseStore.Lease l = e.observed();
        return l == null || l.holder().isEmpty() ? Optional.empty() : Optional.of(l.endpoint());
    }

    /** The lease duration in force. */
    public Duration lease() {
        return lease;
    }

    /**
     * The fence of ring, settings and node-decision writes: inside their transaction, refuses
     * unless this node still holds the lease of its term (503 {@code NotActiveManager}).
     */
    public RingStore.Fence fence() {
        return c -> {
            LeaseElector e = elector;
            if (e == null || !e.active() || !LeaseStore.stillHolds(c, nodeId, e.term())) {
                throw new ClusterException("NotActiveManager", 503, "this node (" + nodeId
                        + ") is not the active manager" + activeEndpoint().map(u -> "; the active one is " + u).orElse(""));
            }
        };
    }

    /** For status: {@code {"self","role","term","activeNode","activeUrl","leaseMs","since"}}. */
    public JsonObject json() {
        LeaseElector e = elector;
        boolean a = active();
        LeaseStore.Lease l = e == null ? null : e.observed();
        return Json.createObjectBuilder()
                .add("self", nodeId)
                .add("role", e == null ? "starting" : a ? "active" : "standby")
                .add("term", e == null ? 0 : a ? e.term() : l == null ? 0 : l.term())
                .add("activeNode", a ? nodeId : l == null ? "" : l.holder())
                .add("activeUrl", activeEndpoint().orElse(""))
                .add("leaseMs", lease.toMillis())
                .add("since", since == null ? "" : since.toString())
                .build();
    }
}
