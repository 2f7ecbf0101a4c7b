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

    private static final List<List<String>> VERSIONS = List.of(V1);

    private Schema() {
    }

    /**
     * Brings the database up to the newest schema version.
     *
     * @return the schema version now in place
     */
    public static int migrate(DataSource ds) throws SQLException {
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(true);
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE IF NOT EXISTS ns_schema (version INTEGER NOT NULL PRIMARY KEY, applied BIGINT NOT NULL)");
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
