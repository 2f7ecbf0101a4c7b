package io.needlestack.core.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class ClusterSecretTest {

    @TempDir
    Path data;

    @Test
    void existingFileIsUsedTrimmed() throws Exception {
        Files.writeString(data.resolve(ClusterSecret.FILE_NAME), "  a-long-operator-chosen-secret \n");
        assertArrayEquals("a-long-operator-chosen-secret".getBytes(StandardCharsets.UTF_8), ClusterSecret.load(data));
    }

    @Test
    void absentFileIsCreatedOwnerOnlyAndStable() throws Exception {
        Path sub = data.resolve("node1");
        byte[] first = ClusterSecret.load(sub);
        assertEquals(64, first.length);
        assertArrayEquals(first, ClusterSecret.load(sub));
        String perms = SecretFile.permissions(sub.resolve(ClusterSecret.FILE_NAME));
        if (!perms.isEmpty()) {
            assertEquals("rw-------", perms);
        }
        try (var files = Files.list(sub)) {
            assertEquals(1, files.count(), "no temporary file left behind");
        }
    }

    @Test
    void tooShortSecretIsRefused() throws Exception {
        Files.writeString(data.resolve(ClusterSecret.FILE_NAME), "short");
        assertThrows(IllegalStateException.class, () -> ClusterSecret.load(data));
    }

    @Test
    @Timeout(30)
    void concurrentFirstReadersAgree() throws Exception {
        for (int round = 0; round < 20; round++) {
            Path dir = data.resolve("r" + round);
            ExecutorService pool = Executors.newFixedThreadPool(8);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<String>> results = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                results.add(pool.submit(() -> {
                    go.await();
                    return new String(ClusterSecret.load(dir), StandardCharsets.UTF_8);
                }));
            }
            go.countDown();
            Set<String> distinct = new HashSet<>();
            for (Future<String> f : results) {
                distinct.add(f.get(10, TimeUnit.SECONDS));
            }
            pool.shutdown();
            assertEquals(1, distinct.size(), "round " + round);
        }
    }
}
