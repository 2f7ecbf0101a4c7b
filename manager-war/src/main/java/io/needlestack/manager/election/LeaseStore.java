package io.needlestack.manager.election;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * The manager lease row ({@code ns_manager_lease}, id 1; schema version 3) in plain JDBC. Every
 * change is one conditional {@code UPDATE}, so the database decides races between managers:
 * a take-over names the {@code term} and {@code beat} its caller observed and succeeds only if
 * nobody renewed or took the lease since.
 */
final class LeaseStore {

    private final DataSource ds;

    LeaseStore(DataSource ds) {
        this.ds = ds;
    }

    /**
     * The lease as stored.
     *
     * @param holder   node id of the holder, "" when nobody holds it
     * @param endpoint the holder's base URL ({@code http://host:port})
     * @param term     raised by every take-over
     * @param beat     raised by every renewal within a term
     */
    record Lease(String holder, String endpoint, long term, long beat) {
    }

    Lease read() throws SQLException {
        try (Connection c = ds.getConnection();
             PreparedStatement p = c.prepareStatement(
                     "SELECT holder, endpoint, term, beat FROM ns_manager_lease WHERE id = 1");
             ResultSet rs = p.executeQuery()) {
            if (!rs.next()) {
                throw new SQLException("ns_manager_lease has no row: the schema is not at version 3");
            }
            return new Lease(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getLong(4));
        }
    }

    /** Takes the lease if it is still as {@code observed}; true when this call took it (term + 1). */
    boolean acquire(String me, String endpoint, Lease observed) throws SQLException {
        return update("UPDATE ns_manager_lease SET holder = ?, endpoint = ?, term = term + 1, beat = 0, changed = ? "
                + "WHERE id = 1 AND term = ? AND beat = ? AND holder = ?", p -> {
                    p.setString(1, me);
                    p.setString(2, endpoint);
                    p.setLong(3, System.currentTimeMillis());
                    p.setLong(4, observed.term());
                    p.setLong(5, observed.beat());
                    p.setString(6, observed.holder());
                });
    }

    /** Renews the lease of {@code term}; false when {@code me} no longer holds it. */
    boolean renew(String me, long term) throws SQLException {
        return update("UPDATE ns_manager_lease SET beat = beat + 1, changed = ? WHERE id = 1 AND holder = ? AND term = ?",
                p -> {
                    p.setLong(1, System.currentTimeMillis());
                    p.setString(2, me);
                    p.setLong(3, term);
                });
    }

    /** Gives the lease up (a graceful stop), so a standby takes over at its next look. */
    boolean release(String me, long term) throws SQLException {
        return update("UPDATE ns_manager_lease SET holder = '', beat = beat + 1, changed = ? "
                + "WHERE id = 1 AND holder = ? AND term = ?", p -> {
                    p.setLong(1, System.currentTimeMillis());
                    p.setString(2, me);
                    p.setLong(3, term);
                });
    }

    /**
     * Inside the caller's transaction: true when {@code me} still holds {@code term}. The no-op
     * update locks the row until the caller commits, so a take-over cannot slip in between this
     * check and the caller's write (it waits, then finds the term it observed renewed or not).
     */
    static boolean stillHolds(Connection c, String me, long term) throws SQLException {
        try (PreparedStatement p = c.prepareStatement(
                "UPDATE ns_manager_lease SET changed = changed WHERE id = 1 AND holder = ? AND term = ?")) {
            p.setString(1, me);
            p.setLong(2, term);
            return p.executeUpdate() == 1;
        }
    }

    private interface Binder {
        void bind(PreparedStatement p) throws SQLException;
    }

    private boolean update(String sql, Binder binder) throws SQLException {
        try (Connection c = ds.getConnection(); PreparedStatement p = c.prepareStatement(sql)) {
            if (!c.getAutoCommit()) {
                c.setAutoCommit(true);
            }
            binder.bind(p);
            return p.executeUpdate() == 1;
        }
    }
}
