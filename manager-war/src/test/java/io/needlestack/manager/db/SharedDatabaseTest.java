package io.needlestack.manager.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.needlestack.core.quorum.ConsistencyLevels;
import io.needlestack.core.ring.Ring;
import io.needlestack.core.ring.RingBuilder;
import io.needlestack.core.ring.RingNode;
import io.needlestack.manager.ring.RingStore;
import io.needlestack.manager.ring.StaleVersionException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * The manager's schema and ring store on a real PostgreSQL ({@link LocalPostgres}), as several
 * manager nodes share it: managers migrating an empty database at the same instant all succeed
 * and apply each version once; ring and settings compare-and-set behave as on H2.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SharedDatabaseTest {

    private LocalPostgres pg;

    @BeforeAll
    void start() throws Exception {
        pg = LocalPostgres.start();
    }

    @AfterAll
    void stop() {
        if (pg != null) {
            pg.close();
        }
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void managersMigratingAtOnceApplyEachVersionOnceAndTheRingStoreWorks() throws Exception {
        int managers = 4;
        ExecutorService pool = Executors.newFixedThreadPool(managers);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Integer>> results = new ArrayList<>();
            for (int i = 0; i < managers; i++) {
                NodeDataSource ds = pg.dataSource();
                results.add(pool.submit(() -> {
                    go.await();
                    return Schema.migrate(ds);
                }));
            }
            go.countDown();
            for (Future<Integer> f : results) {
                assertEquals(3, f.get(90, TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdownNow();
        }
        NodeDataSource ds = pg.dataSource();
        assertTrue(Schema.describe(ds).startsWith("PostgreSQL"), Schema.describe(ds));
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            for (String table : List.of("ns_schema", "ns_cluster", "ns_manager_lease")) {
                try (ResultSet r = s.executeQuery("SELECT COUNT(*) FROM " + table)) {
                    r.next();
                    assertEquals(table.equals("ns_schema") ? 3 : 1, r.getInt(1), table);
                }
            }
        }

        RingStore store = new RingStore(ds);
        Ring v1 = RingBuilder.initial(2).attach(RingNode.of("a", "http://a")).attach(RingNode.of("b", "http://b")).build();
        store.storeRing(0, v1);
        assertEquals(v1, store.load().ring().orElseThrow());
        Ring stale = RingBuilder.from(v1).attach(RingNode.of("d", "http://d")).build();
        assertThrows(StaleVersionException.class, () -> store.storeRing(0, stale));
        assertEquals(1, store.storeConsistency(0, new ConsistencyLevels(3, 2, 2, 2)));
        assertThrows(StaleVersionException.class, () -> store.storeConsistency(0, new ConsistencyLevels(3, 1, 1, 1)));
        assertEquals(new ConsistencyLevels(3, 2, 2, 2), store.load().consistency().orElseThrow());
    }
}
