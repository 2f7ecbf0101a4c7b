package io.needlestack.storage.adapter;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.needlestack.storage.container.FsyncPolicy;
import io.needlestack.storage.engine.EngineConfig;
import io.needlestack.storage.store.NeedleConnection;
import io.needlestack.storage.store.NeedleConnectionFactory;
import io.needlestack.storage.store.NeedleKey;
import io.needlestack.storage.store.NeedleKind;
import io.needlestack.storage.store.NeedleRecord;
import io.needlestack.storage.store.NeedleWrite;
import io.needlestack.storage.store.StoreUnavailableException;
import jakarta.resource.spi.ConfigProperty;
import jakarta.resource.spi.ConnectionDefinition;
import jakarta.resource.spi.ConnectionEvent;
import jakarta.resource.spi.ConnectionEventListener;
import jakarta.resource.spi.Connector;
import jakarta.resource.spi.TransactionSupport;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The adapter classes without a server: start/stop around a real data directory, handles and events. */
class NeedleResourceAdapterTest {
    @TempDir
    Path dir;

    private NeedleResourceAdapter adapter() {
        NeedleResourceAdapter ra = new NeedleResourceAdapter();
        ra.setDataDirectories(dir.resolve("a") + " , " + dir.resolve("b"));
        ra.setContainersPerDirectory(2);
        ra.setMinFreeBytes(0L);
        return ra;
    }

    /** Start, write, stop, twice in one JVM: no stale RocksDB lock, no native library reload failure. */
    @Test
    void startStopTwiceKeepsDataAndReleasesLocks() throws Exception {
        byte[] data = "hello needle".getBytes(StandardCharsets.UTF_8);
        for (int round = 0; round < 2; round++) {
            NeedleResourceAdapter ra = adapter();
            ra.start(null);
            try {
                NeedleManagedConnectionFactory mcf = new NeedleManagedConnectionFactory();
                mcf.setResourceAdapter(ra);
                NeedleConnectionFactory cf = (NeedleConnectionFactory) mcf.createConnectionFactory();
                try (NeedleConnection c = cf.getConnection()) {
                    NeedleKey key = NeedleKey.object("bkt", "k" + round);
                    c.put(new NeedleWrite(key, 10 + round, "v", false, Map.of()), new ByteArrayInputStream(data),
                            data.length, false);
                    List<NeedleRecord> listed = c.list(NeedleKind.OBJECT, "bkt", "", null, 10, false);
                    assertEquals(round + 1, listed.size(), "earlier rounds' data survived the restart");
                    for (NeedleRecord r : listed) {
                        try (InputStream in = c.openData(r, 0, r.dataLength())) {
                            assertArrayEquals(data, in.readAllBytes());
                        }
                    }
                    assertEquals(4, c.stats().containers());
                }
                assertTrue(Files.exists(dir.resolve("a/index/LOCK")));
                assertTrue(Files.exists(dir.resolve("b/containers/container-00003.ndl")));
            } finally {
                ra.stop();
            }
            assertThrows(StoreUnavailableException.class, ra::engine);
        }
    }

    @Test
    void handleCloseFiresConnectionClosedOnce() throws Exception {
        NeedleResourceAdapter ra = adapter();
        ra.start(null);
        try {
            NeedleManagedConnectionFactory mcf = new NeedleManagedConnectionFactory();
            mcf.setResourceAdapter(ra);
            NeedleManagedConnection mc = (NeedleManagedConnection) mcf.createManagedConnection(null, null);
            List<ConnectionEvent> events = new ArrayList<>();
            mc.addConnectionEventListener(new Recorder(events));
            NeedleConnection h = (NeedleConnection) mc.getConnection(null, null);
            assertNotNull(h.stats());
            h.close();
            h.close();
            assertEquals(1, events.size());
            assertEquals(ConnectionEvent.CONNECTION_CLOSED, events.get(0).getId());
            assertSame(h, events.get(0).getConnectionHandle());
            assertThrows(StoreUnavailableException.class, h::stats);

            // The pool's cleanup invalidates handles the application forgot to close.
            NeedleConnection forgotten = (NeedleConnection) mc.getConnection(null, null);
            mc.cleanup();
            assertThrows(StoreUnavailableException.class, forgotten::stats);
            assertSame(mc, mcf.matchManagedConnections(java.util.Set.of(mc), null, null));
            assertThrows(jakarta.resource.NotSupportedException.class, mc::getXAResource);
            assertThrows(jakarta.resource.NotSupportedException.class, mc::getLocalTransaction);
            mc.destroy();
        } finally {
            ra.stop();
        }
        NeedleManagedConnectionFactory mcf = new NeedleManagedConnectionFactory();
        mcf.setResourceAdapter(ra);
        NeedleConnectionFactory cf = (NeedleConnectionFactory) mcf.createConnectionFactory();
        assertThrows(StoreUnavailableException.class, cf::getConnection, "a stopped adapter gives no connections");
    }

    @Test
    void defaultDataDirectoryAndSystemPropertyOverrides() {
        NeedleResourceAdapter ra = new NeedleResourceAdapter();
        String old = System.getProperty("needlestack.data");
        System.setProperty("needlestack.data", dir.toString());
        System.setProperty("needlestack.store.fsyncPolicy", "none");
        try {
            EngineConfig c = ra.engineConfig();
            assertEquals(List.of(dir.resolve("store")), c.dataDirectories());
            assertEquals(8, c.containersPerDirectory());
            assertEquals(FsyncPolicy.NONE, c.fsyncPolicy());
            assertEquals(64L << 20, c.minFreeBytes());
        } finally {
            System.clearProperty("needlestack.store.fsyncPolicy");
            if (old == null) {
                System.clearProperty("needlestack.data");
            } else {
                System.setProperty("needlestack.data", old);
            }
        }
        ra.setFsyncPolicy("sometimes");
        assertThrows(jakarta.resource.spi.ResourceAdapterInternalException.class, () -> ra.start(null));
    }

    /** What a server checks when it deploys the annotation-only adapter. */
    @Test
    void annotationsDescribeTheAdapter() throws Exception {
        Connector connector = NeedleResourceAdapter.class.getAnnotation(Connector.class);
        assertEquals(TransactionSupport.TransactionSupportLevel.NoTransaction, connector.transactionSupport());
        ConnectionDefinition def = NeedleManagedConnectionFactory.class.getAnnotation(ConnectionDefinition.class);
        assertEquals(NeedleConnectionFactory.class, def.connectionFactory());
        assertEquals(NeedleConnection.class, def.connection());
        assertTrue(def.connectionFactory().isAssignableFrom(def.connectionFactoryImpl()));
        assertTrue(def.connection().isAssignableFrom(def.connectionImpl()));
        int properties = 0;
        for (Field f : NeedleResourceAdapter.class.getDeclaredFields()) {
            if (f.isAnnotationPresent(ConfigProperty.class)) {
                properties++;
                String setter = "set" + Character.toUpperCase(f.getName().charAt(0)) + f.getName().substring(1);
                assertNotNull(NeedleResourceAdapter.class.getMethod(setter, f.getType()), setter);
                assertTrue(List.of(String.class, Integer.class, Long.class, Boolean.class).contains(f.getType()),
                        f.getName() + " has a type config properties may have");
            }
        }
        assertEquals(11, properties);
    }

    private record Recorder(List<ConnectionEvent> events) implements ConnectionEventListener {
        @Override
        public void connectionClosed(ConnectionEvent event) {
            events.add(event);
        }

        @Override
        public void localTransactionStarted(ConnectionEvent event) {
        }

        @Override
        public void localTransactionCommitted(ConnectionEvent event) {
        }

        @Override
        public void localTransactionRolledback(ConnectionEvent event) {
        }

        @Override
        public void connectionErrorOccurred(ConnectionEvent event) {
        }
    }
}
