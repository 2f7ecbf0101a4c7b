package io.needlestack.storage.service;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.needlestack.storage.store.NeedleKey;
import io.needlestack.storage.store.NeedleKind;
import io.needlestack.storage.store.NeedleRecord;
import io.needlestack.storage.store.NeedleWrite;
import io.needlestack.storage.store.PutResult;
import jakarta.ejb.EJB;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The storage EJB over the real resource adapter on a real Payara Micro: the adapter RAR is
 * deployed on its own (as on a node), the test WAR holds the EJB and declares the connection
 * factory. Puts, reads back byte for byte, lists and deletes.
 */
@ExtendWith(ArquillianExtension.class)
@EnabledIf("adapterBuilt")
class StorageServiceIT {

    @Deployment
    static WebArchive deployment() {
        return ShrinkWrap.create(WebArchive.class, "storage-it.war")
                .addPackage(StorageService.class.getPackage())
                .setWebXML(StorageServiceIT.class.getResource("/storage-it-web.xml"));
    }

    /**
     * The IT needs the adapter implementation (package io.needlestack.storage.adapter) in the RAR;
     * until it is built the IT is skipped, not failed. In the server the RAR path is not set and
     * the client has already decided.
     */
    static boolean adapterBuilt() {
        String rar = System.getProperty("it.rar");
        if (rar == null) {
            return true;
        }
        try (ZipInputStream outer = new ZipInputStream(Files.newInputStream(Path.of(rar)))) {
            for (ZipEntry e; (e = outer.getNextEntry()) != null; ) {
                if (e.getName().endsWith(".jar")) {
                    ZipInputStream inner = new ZipInputStream(outer);
                    for (ZipEntry c; (c = inner.getNextEntry()) != null; ) {
                        if (c.getName().startsWith("io/needlestack/storage/adapter/") && c.getName().endsWith(".class")) {
                            return true;
                        }
                    }
                }
            }
            return false;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @EJB
    StorageService storage;

    @Test
    void putGetListDelete() throws IOException {
        String bucket = "it-" + System.nanoTime();
        byte[] big = new byte[3 * 1024 * 1024 + 17];
        new Random(42).nextBytes(big);
        byte[] small = "needle".getBytes(java.nio.charset.StandardCharsets.UTF_8);

        PutResult put = storage.put(new NeedleWrite(NeedleKey.object(bucket, "dir/big.bin"), 100, "null", false,
                Map.of("content-type", "application/octet-stream")), new ByteArrayInputStream(big), big.length, false);
        assertTrue(put.applied());
        assertEquals(big.length, put.record().dataLength());
        storage.put(new NeedleWrite(NeedleKey.object(bucket, "dir/small.txt"), 101, "null", false, Map.of()),
                new ByteArrayInputStream(small), small.length, false);
        storage.put(new NeedleWrite(NeedleKey.object(bucket, "other"), 102, "null", false, Map.of()),
                new ByteArrayInputStream(small), small.length, false);

        NeedleRecord rec = storage.head(NeedleKey.object(bucket, "dir/big.bin")).orElseThrow();
        assertEquals("application/octet-stream", rec.metadata().get("content-type"));
        assertArrayEquals(big, readAll(storage.openData(rec, 0, rec.dataLength())));
        byte[] range = readAll(storage.openData(rec, 1000, 5000));
        assertArrayEquals(java.util.Arrays.copyOfRange(big, 1000, 6000), range);

        List<NeedleRecord> listed = storage.list(NeedleKind.OBJECT, bucket, "dir/", null, 100, false);
        assertEquals(List.of("dir/big.bin", "dir/small.txt"), listed.stream().map(r -> r.key().name()).toList());

        storage.delete(NeedleKey.object(bucket, "dir/small.txt"), 200, "null", false);
        assertTrue(storage.head(NeedleKey.object(bucket, "dir/small.txt")).orElseThrow().tombstone());
        assertEquals(List.of("dir/big.bin"),
                storage.list(NeedleKind.OBJECT, bucket, "dir/", null, 100, false).stream().map(r -> r.key().name()).toList());
        assertFalse(storage.list(NeedleKind.OBJECT, bucket, "", null, 100, false).isEmpty());
    }

    private static byte[] readAll(InputStream in) throws IOException {
        try (in) {
            return in.readAllBytes();
        }
    }
}
