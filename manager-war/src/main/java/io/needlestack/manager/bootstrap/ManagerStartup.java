package io.needlestack.manager.bootstrap;

import java.sql.SQLException;
import java.time.Instant;
import java.util.logging.Logger;

import javax.sql.DataSource;

import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import io.needlestack.manager.ring.ClusterManager;
import jakarta.inject.Inject;
import io.needlestack.manager.election.ManagerRole;

import io.needlestack.core.config.NodeConfig;
import io.needlestack.manager.account.Accounts;
import io.needlestack.manager.cluster.PayaraCluster;
import io.needlestack.manager.db.Schema;

/**
 * Runs when the manager application starts, before it serves requests: creates or upgrades
 * the schema, makes the root user match {@code root.credentials}, loads the stored ring and
 * consistency levels, then joins the manager election ({@link ManagerRole}): the elected manager
 * publishes its address and the ring. A failure here fails the deployment, which is what an operator should see.
 */
@ApplicationScoped
public class ManagerStartup {

    private static final Logger LOG = Logger.getLogger(ManagerStartup.class.getName());

    /** The JNDI name of the manager's data source (WEB-INF/web.xml). */
    public static final String DATASOURCE = "java:app/jdbc/needlestack";

    @Resource(lookup = DATASOURCE)
    DataSource dataSource;

    @Inject
    Accounts accounts;

    @Inject
    PayaraCluster cluster;

    @Inject
    ClusterManager clusterManager;

    @Inject
    ManagerRole role;

    private volatile Instant startedAt;
    private volatile String database = "unknown";

    void onStart(@Observes @Initialized(ApplicationScoped.class) Object event) throws SQLException {
        long t0 = System.nanoTime();
        NodeConfig config = NodeConfig.current();
        int version = Schema.migrate(dataSource);
        database = Schema.describe(dataSource);
        RootCredentials root = RootCredentials.loadOrCreate(config.dataDirectory());
        ensureRoot(root);
        clusterManager.start(config);
        // Last: once elected, the manager publishes its address and the ring (a lone manager is
        // elected in this call; with a shared database the others stand by).
        role.start(config);
        startedAt = Instant.now();
        LOG.info(() -> String.format("manager started in %d ms: %s, schema v%d, root access key %s",
                (System.nanoTime() - t0) / 1_000_000, database, version, root.accessKey()));
    }

    /**
     * Managers sharing a database start at the same time: two may both find no root user and
     * insert it; the loser's transaction fails on the key and is tried again, then finds the row.
     * Every manager of a cluster reads the same {@code root.credentials} ({@code cluster up}
     * gives each node the same file), so re-applying it is idempotent.
     */
    private void ensureRoot(RootCredentials root) {
        for (int attempt = 1; ; attempt++) {
            try {
                accounts.ensureRoot(root.accessKey(), root.secretKey());
                return;
            } catch (RuntimeException e) {
                if (attempt >= 3) {
                    throw e;
                }
                LOG.info(() -> "root user bootstrap collided with another manager's (" + e + "), trying again");
                try {
                    Thread.sleep(300L * attempt);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    /** When the manager finished starting, or null before. */
    public Instant startedAt() {
        return startedAt;
    }

    /** The database product and version. */
    public String database() {
        return database;
    }
}
