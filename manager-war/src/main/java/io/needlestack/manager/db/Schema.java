package io.needlestack.manager.db;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.logging.Logger;

import javax.sql.DataSource;

/**
 * Creates and upgrades the manager's tables. Each version is a list of portable statements
 * (H2 and PostgreSQL alike) applied once and recorded in {@code ns_schema}; a later issue
 * appends versions, never edits applied ones. JPA never generates DDL, so what runs in
 * production is exactly what is written here.
 */
public final class Schema {

    private static final Logger LOG = Logger.getLogger(Schema.class.getName());

    /** Version 1: users, access keys, buckets. */
    private static final List<String> V1 = List.of(
            "CREATE TABLE IF NOT EXISTS ns_user ("
                    + "id VARCHAR(64) NOT NULL PRIMARY KEY, display_name VARCHAR(255) NOT NULL, "
                    + "user_role VARCHAR(16) NOT NULL, active BOOLEAN NOT NULL, created BIGINT NOT NULL, "
                    + "row_version BIGINT NOT NULL)",
            "CREATE TABLE IF NOT EXISTS ns_access_key ("
                    + "access_key VARCHAR(128) NOT NULL PRIMARY KEY, secret_key VARCHAR(128) NOT NULL, "
                    + "user_id VARCHAR(64) NOT NULL REFERENCES ns_user(id), active BOOLEAN NOT NULL, "
                    + "created BIGINT NOT NULL)",
            "CREATE INDEX IF NOT EXISTS ns_access_key_user ON ns_access_key(user_id)",
            "CREATE TABLE IF NOT EXISTS ns_bucket ("
                    + "name VARCHAR(63) NOT NULL PRIMARY KEY, owner_id VARCHAR(64) NOT NULL REFERENCES ns_user(id), "
                    + "region VARCHAR(64) NOT NULL, created BIGINT NOT NULL, row_version BIGINT NOT NULL)",
            "CREATE INDEX IF NOT EXISTS ns_bucket_owner ON ns_bucket(owner_id)");

    /**
     * Version 2: the ring and cluster settings. {@code ns_cluster} has exactly one row (id 1);
     * its {@code ring_version} and {@code settings_version} columns are the compare-and-set
     * guards of every ring and consistency change (0 and N=0 mean "none yet").
     * {@code ns_ring} keeps every ring version ({@code RingCodec} bytes), {@code ns_node} the
     * operator's decisions about each node: membership (attached or detached), the suspend flag,
     * and the start time of the node's process the manager last accepted (a ring member whose
     * process started since is "restarted" until resumed).
     */
    private static final List<String> V2 = List.of(
            "CREATE TABLE IF NOT EXISTS ns_cluster ("
                    + "id INTEGER NOT NULL PRIMARY KEY, ring_version BIGINT NOT NULL, "
                    + "n INTEGER NOT NULL, w INTEGER NOT NULL, r INTEGER NOT NULL, d INTEGER NOT NULL, "
                    + "settings_version BIGINT NOT NULL)",
            "INSERT INTO ns_cluster (id, ring_version, n, w, r, d, settings_version) VALUES (1, 0, 0, 0, 0, 0, 0)",
            "CREATE TABLE IF NOT EXISTS ns_ring ("
                    + "version BIGINT NOT NULL PRIMARY KEY, ring_bytes BYTEA NOT NULL, "
                    + "checksum VARCHAR(16) NOT NULL, created BIGINT NOT NULL)",
            "CREATE TABLE IF NOT EXISTS ns_node ("
                    + "node_id VARCHAR(64) NOT NULL PRIMARY KEY, membership VARCHAR(16) NOT NULL, "
                    + "suspended BOOLEAN NOT NULL, accepted_start BIGINT NOT NULL, changed BIGINT NOT NULL)");

    /**
     * Version 3: the manager lease ({@code io.needlestack.manager.election}). One row (id 1):
     * the holder's node id and admin endpoint, the {@code term} (raised by every take-over, the
     * fencing token of ring and settings writes) and {@code beat} (raised by every renewal, so a
     * standby sees the holder alive without comparing clocks). Holder "" means nobody.
     */
    private static final List<String> V3 = List.of(
            "CREATE TABLE IF NOT EXISTS ns_manager_lease ("
                    + "id INTEGER NOT NULL PRIMARY KEY, holder VARCHAR(64) NOT NULL, endpoint VARCHAR(255) NOT NULL, "
                    + "term BIGINT NOT NULL, beat BIGINT NOT NULL, changed BIGINT NOT NULL)",
            "INSERT INTO ns_manager_lease (id, holder, endpoint, term, beat, changed) VALUES (1, '', '', 0, 0, 0)");

    private static final List<List<String>> VERSIONS = List.of(V1, V2, V3);

    /** How often a migration that lost a race with another manager's is tried again. */
    private static final int ATTEMPTS = 5;

    private Schema() {
    }

    /**
     * Brings the database up to the newest schema version.
     *
     * @return the schema version now in place
     */
    public static int migrate(DataSource ds) throws SQLException {
        // Several managers may start at once on one shared database: each migration runs in one
        // transaction holding a table lock (PostgreSQL's DDL is transactional), and one that
        // collided anyway (e.g. two CREATE TABLE of ns_schema at the same instant) is retried
        // and then finds the other's work done.
        for (int attempt = 1; ; attempt++) {
            try {
                return migrateOnce(ds);
            } catch (SQLException e) {
                if (attempt >= ATTEMPTS) {
                    throw e;
                }
                int a = attempt;
                LOG.info(() -> "schema migration attempt " + a + " collided with another manager's ("
                        + e.getMessage() + "), trying again");
                try {
                    Thread.sleep(200L * attempt + (long) (Math.random() * 300));
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    private static int migrateOnce(DataSource ds) throws SQLException {
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(true);
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE IF NOT EXISTS ns_schema (version INTEGER NOT NULL PRIMARY KEY, applied BIGINT NOT NULL)");
            }
            if (current(c) >= VERSIONS.size()) {
                return VERSIONS.size();
            }
            boolean postgres = c.getMetaData().getDatabaseProductName().toLowerCase(java.util.Locale.ROOT)
                    .contains("postgres");
            c.setAutoCommit(false);
            try {
                if (postgres) {
                    // Held to the commit: a second manager waits here, then sees the versions applied.
                    try (Statement s = c.createStatement()) {
                        s.execute("LOCK TABLE ns_schema IN ACCESS EXCLUSIVE MODE");
                    }
                }
                int current = current(c);
                for (int v = current + 1; v <= VERSIONS.size(); v++) {
                    try (Statement s = c.createStatement()) {
                        for (String sql : VERSIONS.get(v - 1)) {
                            s.execute(sql);
                        }
                    }
                    try (PreparedStatement p = c.prepareStatement("INSERT INTO ns_schema (version, applied) VALUES (?, ?)")) {
                        p.setInt(1, v);
                        p.setLong(2, System.currentTimeMillis());
                        p.executeUpdate();
                    }
                    int applied = v;
                    LOG.info(() -> "manager database schema upgraded to version " + applied);
                }
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
            return VERSIONS.size();
        }
    }

    /** The product and version of the database, for the status page. */
    public static String describe(DataSource ds) throws SQLException {
        try (Connection c = ds.getConnection()) {
            DatabaseMetaData md = c.getMetaData();
            return md.getDatabaseProductName() + " " + md.getDatabaseProductVersion();
        }
    }

    private static int current(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT MAX(version) FROM ns_schema")) {
            return r.next() ? r.getInt(1) : 0;
        }
    }
}
