package io.needlestack.manager.ring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.needlestack.core.config.NodeConfig;
import io.needlestack.core.quorum.ConsistencyLevels;
import io.needlestack.core.ring.Ring;
import io.needlestack.core.ring.RingBuilder;
import io.needlestack.core.ring.RingNode;
import io.needlestack.manager.db.NodeDataSource;
import io.needlestack.manager.db.Schema;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The compare-and-set of ring and settings on a real H2 file database, as the manager opens it. */
class RingStoreTest {

    @TempDir
    Path data;

    private NodeDataSource ds;
    private RingStore store;

    @BeforeEach
    void open() throws Exception {
        ds = new NodeDataSource(NodeConfig.of(Map.of("needlestack.data", data.toString())));
        Schema.migrate(ds);
        store = new RingStore(ds);
    }

    private static Ring first() {
        return RingBuilder.initial(2).attach(RingNode.of("a", "http://a")).attach(RingNode.of("b", "http://b")).build();
    }

    @Test
    void emptyBeforeTheFirstRing() throws Exception {
        RingStore.Stored s = store.load();
        assertEquals(0, s.ringVersion());
        assertTrue(s.ring().isEmpty());
        assertTrue(s.consistency().isEmpty());
    }

    @Test
    void ringRoundTripsAndAStaleVersionWriteIsRefused() throws Exception {
        Ring v1 = first();
        store.storeRing(0, v1);
        RingStore.Stored s = store.load();
        assertEquals(1, s.ringVersion());
        assertEquals(v1, s.ring().orElseThrow());
        assertEquals(v1.checksumHex(), s.ring().orElseThrow().checksumHex());

        Ring v2 = RingBuilder.from(v1).attach(RingNode.of("c", "http://c")).build();
        store.storeRing(1, v2);
        // A manager that read version 1 before the change (a lost leader) builds its own v2: refused.
        Ring stale = RingBuilder.from(v1).attach(RingNode.of("d", "http://d")).build();
        StaleVersionException e = assertThrows(StaleVersionException.class, () -> store.storeRing(1, stale));
        assertEquals("ConcurrentModification", e.code());
        assertEquals(409, e.status());
        assertEquals(v2, store.load().ring().orElseThrow());
        try (Connection c = ds.getConnection(); Statement st = c.createStatement();
             ResultSet r = st.executeQuery("SELECT COUNT(*), MAX(version) FROM ns_ring")) {
            r.next();
            assertEquals(2, r.getInt(1), "the refused ring left no row");
            assertEquals(2, r.getLong(2));
        }
    }

    @Test
    void consistencyChangesOnlyFromTheVersionItWasReadAt() throws Exception {
        assertEquals(1, store.storeConsistency(0, new ConsistencyLevels(3, 2, 2, 2)));
        assertEquals(2, store.storeConsistency(1, new ConsistencyLevels(3, 1, 1, 1)));
        assertThrows(StaleVersionException.class, () -> store.storeConsistency(1, new ConsistencyLevels(3, 3, 3, 3)));
        assertThrows(StaleVersionException.class, () -> store.storeConsistency(0, new ConsistencyLevels(1, 1, 1, 1)));
        RingStore.Stored s = store.load();
        assertEquals(2, s.settingsVersion());
        assertEquals(new ConsistencyLevels(3, 1, 1, 1), s.consistency().orElseThrow());
    }

    @Test
    void nodeDecisionsAreInsertedThenReplaced() throws Exception {
        store.saveNodes(List.of(NodeDecision.none("a").withMembership(NodeDecision.Membership.ATTACHED).accepting(5)));
        store.saveNodes(List.of(store.nodes().get("a").withSuspended(true), NodeDecision.none("b")));
        Map<String, NodeDecision> n = store.nodes();
        assertEquals(new NodeDecision("a", NodeDecision.Membership.ATTACHED, true, 5), n.get("a"));
        assertEquals(NodeDecision.none("b"), n.get("b"));
        assertEquals(2, n.size());
    }
}
