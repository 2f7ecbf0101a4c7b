package io.needlestack.manager.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.needlestack.core.config.NodeConfig;

/** The schema on a real H2 file database in a data directory, as the manager opens it. */
class SchemaTest {

    @TempDir
    Path data;

    @Test
    void databaseLivesInTheDataDirectoryAndMigrationIsIdempotent() throws Exception {
        NodeDataSource ds = new NodeDataSource(NodeConfig.of(Map.of("needlestack.data", data.toString())));
        assertTrue(ds.getUrl().startsWith("jdbc:h2:file:" + data.toAbsolutePath()), ds.getUrl());
        assertEquals(3, Schema.migrate(ds));
        assertTrue(Files.exists(data.resolve("manager").resolve("db.mv.db")));
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.executeUpdate("INSERT INTO ns_user (id, display_name, user_role, active, created, row_version) "
                    + "VALUES ('u', 'U', 'USER', TRUE, 1, 0)");
        }
        // Applying again (every start) keeps the data and records each version once.
        assertEquals(3, Schema.migrate(ds));
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            try (ResultSet r = s.executeQuery("SELECT COUNT(*) FROM ns_schema")) {
                r.next();
                assertEquals(3, r.getInt(1));
            }
            try (ResultSet r = s.executeQuery("SELECT COUNT(*) FROM ns_cluster")) {
                r.next();
                assertEquals(1, r.getInt(1), "exactly one cluster row, however often the schema is applied");
            }
            try (ResultSet r = s.executeQuery("SELECT COUNT(*) FROM ns_user")) {
                r.next();
                assertEquals(1, r.getInt(1));
            }
        }
        assertTrue(Schema.describe(ds).startsWith("H2 "));
    }

    @Test
    void foreignKeysHoldBucketsToExistingUsers() throws Exception {
        NodeDataSource ds = new NodeDataSource(NodeConfig.of(Map.of("needlestack.data", data.toString())));
        Schema.migrate(ds);
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            java.sql.SQLException e = org.junit.jupiter.api.Assertions.assertThrows(java.sql.SQLException.class,
                    () -> s.executeUpdate("INSERT INTO ns_bucket (name, owner_id, region, created, row_version) "
                            + "VALUES ('b', 'nobody', 'r', 1, 0)"));
            assertTrue(e.getSQLState().startsWith("23"), e.getSQLState());
        }
    }

    @Test
    void explicitUrlWins() {
        NodeDataSource ds = new NodeDataSource(NodeConfig.of(Map.of("needlestack.db.url", "jdbc:postgresql://db/ns")));
        assertEquals("jdbc:postgresql://db/ns", ds.getUrl());
    }
}
