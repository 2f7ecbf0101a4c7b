package io.needlestack.manager.election;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.needlestack.core.config.NodeConfig;
import io.needlestack.core.ring.Ring;
import io.needlestack.core.ring.RingBuilder;
import io.needlestack.core.ring.RingNode;
import io.needlestack.manager.db.NodeDataSource;
import io.needlestack.manager.db.Schema;
import io.needlestack.manager.ring.ClusterException;
import io.needlestack.manager.ring.RingStore;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lease election of two managers on one real (H2 file) database with a hand-driven clock:
 * one active at a time, take-over only after a whole lease without renewal, a paused holder
 * deposed and unable to write the ring, a released lease taken at once.
 */
class LeaseElectorTest {

    private static final Duration LEASE = Duration.ofSeconds(6);

    @TempDir
    Path data;

    private NodeDataSource ds;
    private final AtomicLong clock = new AtomicLong(1_000_000_000L);
    private final List<String> events = new ArrayList<>();

    @BeforeEach
    void open() throws Exception {
        ds = new NodeDataSource(NodeConfig.of(Map.of("needlestack.data", data.toString())));
        Schema.migrate(ds);
    }

    private LeaseElector elector(String id) {
        return new LeaseElector(new LeaseStore(ds), id, "http://" + id, LEASE, clock::get, new LeaseElector.Listener() {
            @Override
            public void elected(long term) {
                events.add(id + " elected " + term);
            }

            @Override
            public void deposed(long term, String reason) {
                events.add(id + " deposed " + term);
            }
        });
    }

    private void advance(long millis) {
        clock.addAndGet(Duration.ofMillis(millis).toNanos());
    }

    @Test
    void oneActiveStandbyTakesOverOnlyAfterAWholeLeaseWithoutRenewal() throws Exception {
        LeaseElector a = elector("a");
        LeaseElector b = elector("b");
        a.tick();
        b.tick();
        assertTrue(a.active());
        assertFalse(b.active());
        assertEquals(1, a.term());
        assertEquals("a", b.observed().holder());
        assertEquals("http://a", b.observed().endpoint());

        // a renews every second: b never takes over, however long it watches.
        for (int i = 0; i < 20; i++) {
            advance(1000);
            a.tick();
            b.tick();
            assertTrue(a.active());
            assertFalse(b.active());
        }

        // a stops renewing (killed, or paused): b waits a whole lease from the last change it saw.
        advance(1000);
        b.tick();
        advance(LEASE.toMillis() - 1500);
        b.tick();
        assertFalse(b.active(), "taken over before a whole lease without renewal");
        assertTrue(a.active());
        advance(1000);
        assertFalse(a.active(), "a paused holder counts itself active no longer than a lease after its last renewal");
        b.tick();
        assertTrue(b.active());
        assertEquals(2, b.term());

        // a wakes up: its renewal fails, it is deposed and its fenced ring write is refused.
        a.tick();
        assertFalse(a.active());
        assertEquals(List.of("a elected 1", "b elected 2", "a deposed 1"), events);
        try (Connection c = ds.getConnection()) {
            assertFalse(LeaseStore.stillHolds(c, "a", 1));
            assertTrue(LeaseStore.stillHolds(c, "b", 2));
        }
        RingStore deposed = new RingStore(ds, c -> {
            if (!LeaseStore.stillHolds(c, "a", 1)) {
                throw new ClusterException("NotActiveManager", 503, "a is not active");
            }
        });
        RingStore current = new RingStore(ds, c -> {
            if (!LeaseStore.stillHolds(c, "b", 2)) {
                throw new ClusterException("NotActiveManager", 503, "b is not active");
            }
        });
        Ring v1 = RingBuilder.initial(1).attach(RingNode.of("x", "http://x")).build();
        ClusterException refused = assertThrows(ClusterException.class, () -> deposed.storeRing(0, v1));
        assertEquals("NotActiveManager", refused.code());
        assertEquals(0, current.load().ringVersion(), "the refused write left nothing");
        current.storeRing(0, v1);
        assertEquals(1, current.load().ringVersion());

        // a stands by now and sees b.
        a.tick();
        assertEquals("b", a.observed().holder());
    }

    @Test
    void releasedLeaseIsTakenAtOnceAndARestartedHolderTakesItsOwnLeaseBack() throws Exception {
        LeaseElector a = elector("a");
        LeaseElector b = elector("b");
        a.tick();
        b.tick();
        a.release();
        assertFalse(a.active());
        advance(200);
        b.tick();
        assertTrue(b.active(), "a released lease is free at once");
        assertEquals(2, b.term());

        // b crashes and comes back under the same node id before anyone else took the lease.
        LeaseElector b2 = elector("b");
        b2.tick();
        assertTrue(b2.active());
        assertEquals(3, b2.term());
        a.tick();
        assertFalse(a.active());
    }

    @Test
    void twoStandbysRacingForALapsedLeaseElectExactlyOne() throws Exception {
        LeaseElector a = elector("a");
        a.tick();
        LeaseElector b = elector("b");
        LeaseElector c = elector("c");
        b.tick();
        c.tick();
        advance(LEASE.toMillis() + 1);
        b.tick();
        c.tick();
        assertTrue(b.active() ^ c.active(), "exactly one of the standbys took the lease");
        assertEquals(2, (b.active() ? b : c).term());
    }
}
