package io.needlestack.manager.ring;

import io.needlestack.core.quorum.ConsistencyLevels;
import io.needlestack.core.ring.Ring;
import io.needlestack.core.ring.RingCodec;
import io.needlestack.core.ring.RingFormatException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The ring versions, cluster settings and node decisions in the manager's database (schema
 * version 2). Ring and settings change only by compare-and-set: {@code UPDATE ns_cluster ...
 * WHERE ring_version = ?} (or {@code settings_version}); when no row matches, someone else
 * changed it first and the write is refused with a {@link StaleVersionException}, so a manager
 * that lost its leadership during a pause cannot overwrite a newer ring.
 *
 * <p>Plain JDBC in local transactions, because the compare-and-set is a statement, not an
 * entity: each change commits or rolls back as a whole.
 */
public class RingStore {

    private final DataSource ds;
    private final Fence fence;

    /**
     * A check run first in every write transaction, on its connection: a manager passes
     * {@link io.needlestack.manager.election.ManagerRole#fence()}, which refuses (throws) unless
     * it still holds the manager lease of its term, so a deposed manager writes nothing at all.
     */
    @FunctionalInterface
    public interface Fence {
        /** Throws to refuse the write. */
        void check(Connection c) throws SQLException;
    }

    /** A store over the manager's data source (schema already migrated), writes unfenced. */
    public RingStore(DataSource ds) {
        this(ds, c -> { });
    }

    /** A store whose every write passes {@code fence} first, in the same transaction. */
    public RingStore(DataSource ds, Fence fence) {
        this.ds = ds;
        this.fence = fence;
    }

    /**
     * The cluster's stored state.
     *
     * @param ringVersion     version of the current ring, 0 before the first
     * @param ring            the current ring, empty before the first
     * @param settingsVersion version of the consistency levels, 0 before they were first stored
     * @param consistency     the consistency levels, empty before they were first stored
     */
    public record Stored(long ringVersion, Optional<Ring> ring, long settingsVersion,
                         Optional<ConsistencyLevels> consistency) {
    }

    /** Reads the current ring and settings. */
    public Stored load() throws SQLException {
        try (Connection c = ds.getConnection();
             PreparedStatement p = c.prepareStatement(
                     "SELECT ring_version, n, w, r, d, settings_version FROM ns_cluster WHERE id = 1");
             ResultSet rs = p.executeQuery()) {
            if (!rs.next()) {
                throw new SQLException("ns_cluster has no row: the schema is not at version 2");
            }
            long ringVersion = rs.getLong(1);
            long settingsVersion = rs.getLong(6);
            Optional<ConsistencyLevels> levels = settingsVersion == 0 ? Optional.empty()
                    : Optional.of(new ConsistencyLevels(rs.getInt(2), rs.getInt(3), rs.getInt(4), rs.getInt(5)));
            return new Stored(ringVersion, ringVersion == 0 ? Optional.empty() : Optional.of(ring(c, ringVersion)),
                    settingsVersion, levels);
        }
    }

    private static Ring ring(Connection c, long version) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("SELECT ring_bytes FROM ns_ring WHERE version = ?")) {
            p.setLong(1, version);
            try (ResultSet rs = p.executeQuery()) {
                if (!rs.next()) {
                    throw new SQLException("ring version " + version + " is missing from ns_ring");
                }
                return RingCodec.decode(rs.getBytes(1));
            }
        } catch (RingFormatException e) {
            throw new SQLException("stored ring version " + version + " is unreadable: " + e.getMessage(), e);
        }
    }

    /**
     * Stores {@code next} as the current ring if the current version is still {@code expected}.
     *
     * @throws StaleVersionException when the ring version is no longer {@code expected}
     */
    public void storeRing(long expected, Ring next) throws SQLException {
        if (next.version() <= expected) {
            throw new IllegalArgumentException("ring version " + next.version() + " does not follow " + expected);
        }
        transaction(c -> {
            try (PreparedStatement p = c.prepareStatement(
                    "UPDATE ns_cluster SET ring_version = ? WHERE id = 1 AND ring_version = ?")) {
                p.setLong(1, next.version());
                p.setLong(2, expected);
                if (p.executeUpdate() != 1) {
                    throw new StaleVersionException("the ring", expected);
                }
            }
            try (PreparedStatement p = c.prepareStatement(
                    "INSERT INTO ns_ring (version, ring_bytes, checksum, created) VALUES (?, ?, ?, ?)")) {
                p.setLong(1, next.version());
                p.setBytes(2, RingCodec.encode(next));
                p.setString(3, next.checksumHex());
                p.setLong(4, System.currentTimeMillis());
                p.executeUpdate();
            }
        });
    }

    /**
     * Stores the consistency levels if their version is still {@code expected}.
     *
     * @return the new settings version
     * @throws StaleVersionException when the settings version is no longer {@code expected}
     */
    public long storeConsistency(long expected, ConsistencyLevels levels) throws SQLException {
        transaction(c -> {
            try (PreparedStatement p = c.prepareStatement("UPDATE ns_cluster SET n = ?, w = ?, r = ?, d = ?, "
                    + "settings_version = ? WHERE id = 1 AND settings_version = ?")) {
                p.setInt(1, levels.n());
                p.setInt(2, levels.w());
                p.setInt(3, levels.r());
                p.setInt(4, levels.d());
                p.setLong(5, expected + 1);
                p.setLong(6, expected);
                if (p.executeUpdate() != 1) {
                    throw new StaleVersionException("the consistency levels", expected);
                }
            }
        });
        return expected + 1;
    }

    /** Every node decision, by node id. */
    public Map<String, NodeDecision> nodes() throws SQLException {
        Map<String, NodeDecision> out = new LinkedHashMap<>();
        try (Connection c = ds.getConnection();
             PreparedStatement p = c.prepareStatement(
                     "SELECT node_id, membership, suspended, accepted_start FROM ns_node ORDER BY node_id");
             ResultSet rs = p.executeQuery()) {
            while (rs.next()) {
                out.put(rs.getString(1), new NodeDecision(rs.getString(1),
                        NodeDecision.Membership.valueOf(rs.getString(2)), rs.getBoolean(3), rs.getLong(4)));
            }
        }
        return out;
    }

    /** Writes (inserts or replaces) node decisions, all or none. */
    public void saveNodes(Iterable<NodeDecision> decisions) throws SQLException {
        transaction(c -> {
            for (NodeDecision d : decisions) {
                int updated;
                try (PreparedStatement p = c.prepareStatement("UPDATE ns_node SET membership = ?, suspended = ?, "
                        + "accepted_start = ?, changed = ? WHERE node_id = ?")) {
                    p.setString(1, d.membership().name());
                    p.setBoolean(2, d.suspended());
                    p.setLong(3, d.acceptedStart());
                    p.setLong(4, System.currentTimeMillis());
                    p.setString(5, d.nodeId());
                    updated = p.executeUpdate();
                }
                if (updated == 0) {
                    try (PreparedStatement p = c.prepareStatement("INSERT INTO ns_node (node_id, membership, "
                            + "suspended, accepted_start, changed) VALUES (?, ?, ?, ?, ?)")) {
                        p.setString(1, d.nodeId());
                        p.setString(2, d.membership().name());
                        p.setBoolean(3, d.suspended());
                        p.setLong(4, d.acceptedStart());
                        p.setLong(5, System.currentTimeMillis());
                        p.executeUpdate();
                    }
                }
            }
        });
    }

    private interface Work {
        void run(Connection c) throws SQLException;
    }

    private void transaction(Work work) throws SQLException {
        try (Connection c = ds.getConnection()) {
            boolean auto = c.getAutoCommit();
            c.setAutoCommit(false);
            try {
                fence.check(c);
                work.run(c);
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(auto);
            }
        }
    }
}
