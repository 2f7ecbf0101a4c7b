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

    @Test
    void theVerifiersWindowAndReplayMemoryComeFromTheConfiguration() throws Exception {
        System.setProperty(ClusterSecret.MAX_NONCES_PROPERTY, "2");
        System.setProperty(ClusterSecret.SKEW_PROPERTY, "5");
        try {
            InternalAuth auth = ClusterSecret.auth(data);
            for (int i = 0; i < 2; i++) {
                java.util.Map<String, String> h = auth.sign("GET", "/" + i);
                auth.verify("GET", "/" + i, h.get(InternalAuth.DATE_HEADER), h.get(InternalAuth.NONCE_HEADER),
                        h.get(InternalAuth.SIGNATURE_HEADER));
            }
            java.util.Map<String, String> third = auth.sign("GET", "/2");
            assertEquals(InternalAuthException.Reason.OVERLOADED, assertThrows(InternalAuthException.class,
                    () -> auth.verify("GET", "/2", third.get(InternalAuth.DATE_HEADER),
                            third.get(InternalAuth.NONCE_HEADER), third.get(InternalAuth.SIGNATURE_HEADER))).reason());
            // Signed 10 s ago by a node with the same secret: outside the 5 s window.
            InternalAuth late = new InternalAuth(ClusterSecret.load(data),
                    java.time.Clock.offset(java.time.Clock.systemUTC(), java.time.Duration.ofSeconds(-10)),
                    InternalAuth.DEFAULT_SKEW, 10);
            java.util.Map<String, String> old = late.sign("GET", "/3");
            assertEquals(InternalAuthException.Reason.SKEW, assertThrows(InternalAuthException.class,
                    () -> auth.verify("GET", "/3", old.get(InternalAuth.DATE_HEADER), old.get(InternalAuth.NONCE_HEADER),
                            old.get(InternalAuth.SIGNATURE_HEADER))).reason());
        } finally {
            System.clearProperty(ClusterSecret.MAX_NONCES_PROPERTY);
            System.clearProperty(ClusterSecret.SKEW_PROPERTY);
        }
        // Without settings: the defaults.
        InternalAuth defaults = ClusterSecret.auth(data);
        InternalAuth tenSecondsLate = new InternalAuth(ClusterSecret.load(data),
                java.time.Clock.offset(java.time.Clock.systemUTC(), java.time.Duration.ofSeconds(-10)),
                InternalAuth.DEFAULT_SKEW, 10);
        java.util.Map<String, String> h = tenSecondsLate.sign("GET", "/4");
        defaults.verify("GET", "/4", h.get(InternalAuth.DATE_HEADER), h.get(InternalAuth.NONCE_HEADER),
                h.get(InternalAuth.SIGNATURE_HEADER));
    }
}
