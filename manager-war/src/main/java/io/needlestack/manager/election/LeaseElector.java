package io.needlestack.manager.election;

import java.sql.SQLException;
import java.time.Duration;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * One manager's side of the lease election, driven by {@link #tick()} (about five times per lease
 * duration).
 *
 * <p>A standby never compares clocks with the holder: it remembers when <em>it</em> last saw the
 * lease row change (term or beat) and takes the lease over, by compare-and-set on what it saw,
 * once the row stayed unchanged for a whole lease duration by its own monotonic clock. The holder
 * counts itself active only for a lease duration after the <em>start</em> of its last successful
 * renewal; since the standby's wait began after that renewal committed, the two are never active
 * at once (as long as both clocks run at about the same rate). A lease nobody holds, or one held
 * under this node's own id (this node crashed and came back), is taken at once.
 */
final class LeaseElector {

    /** What the elector tells its owner. */
    interface Listener {
        /** This node now holds the lease under {@code term}. */
        void elected(long term);

        /** This node no longer holds the lease of {@code term}. */
        void deposed(long term, String reason);
    }

    private final LeaseStore store;
    private final String me;
    private final String endpoint;
    private final long leaseNanos;
    private final LongSupplier clock;
    private final Listener listener;

    private boolean active;
    private long term;
    private long renewedAt;
    private LeaseStore.Lease observed;
    private long observedAt;

    LeaseElector(LeaseStore store, String me, String endpoint, Duration lease, LongSupplier nanoClock, Listener listener) {
        this.store = Objects.requireNonNull(store);
        this.me = Objects.requireNonNull(me);
        this.endpoint = Objects.requireNonNull(endpoint);
        this.leaseNanos = lease.toNanos();
        this.clock = Objects.requireNonNull(nanoClock);
        this.listener = Objects.requireNonNull(listener);
    }

    /** One round: renew when active, otherwise watch the lease and take it over when it lapsed. */
    synchronized void tick() throws SQLException {
        long now = clock.getAsLong();
        if (active) {
            boolean renewed;
            try {
                renewed = store.renew(me, term);
            } catch (SQLException e) {
                if (now - renewedAt >= leaseNanos) {
                    stepDown("the lease could not be renewed for a whole lease duration: " + e.getMessage());
                }
                throw e;
            }
            if (renewed) {
                renewedAt = now;
            } else {
                stepDown("another manager took the lease");
            }
            return;
        }
        LeaseStore.Lease l = store.read();
        if (!l.equals(observed)) {
            observed = l;
            observedAt = now;
        }
        boolean free = l.holder().isEmpty() || l.holder().equals(me);
        if (free || now - observedAt >= leaseNanos) {
            if (store.acquire(me, endpoint, l)) {
                active = true;
                term = l.term() + 1;
                renewedAt = now;
                observed = null;
                listener.elected(term);
            } else {
                observed = null; // someone moved first: watch the new state from now on
            }
        }
    }

    private void stepDown(String reason) {
        active = false;
        observed = null;
        listener.deposed(term, reason);
    }

    /** Whether this node holds the lease now (false once a lease duration passed without renewal). */
    synchronized boolean active() {
        return active && clock.getAsLong() - renewedAt < leaseNanos;
    }

    /** The term this node holds (meaningful while {@link #active()}). */
    synchronized long term() {
        return term;
    }

    /** The lease as last read by this standby, null when active or before the first read. */
    synchronized LeaseStore.Lease observed() {
        return observed;
    }

    /** Gives the lease up, if held (graceful stop). */
    synchronized void release() throws SQLException {
        if (active) {
            active = false;
            store.release(me, term);
        }
    }
}
