package io.needlestack.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Starts one all-in-one node through the launcher, checks that it is ready, that Payara's own
 * /health, /metrics and /openapi no longer answer at the root (where buckets of those names
 * live), that the secrets files are private, that the JVM mapped the start-up archive of the
 * distribution, and stops it; a read timeout out of range is refused before anything starts.
 */
class NodeSmokeIT {

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    @Timeout(value = 6, unit = java.util.concurrent.TimeUnit.MINUTES)
    void nodeStartsServesTheGatewayAtTheRootAndStops() throws Exception {
        assumeTrue(NodeProcess.adapterPresent(),
                "needle-rar has no adapter implementation yet: the gateway cannot deploy");
        NodeProcess node = NodeProcess.builder("smoke").start();
        try {
            assertTrue(node.isAlive());
            assertFalse(node.accessKey().isBlank());
            assertFalse(node.secretKey().isBlank());
            assertEquals(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE),
                    Files.getPosixFilePermissions(node.dataDir().resolve("root.credentials")));
            assertEquals(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE),
                    Files.getPosixFilePermissions(node.dataDir().resolve("cluster.secret")));

            HttpResponse<String> health = get(node.endpoint().resolve("/health"));
            assertFalse(health.body().contains("\"status\""), "Payara's health check answered /health: " + health.body());

            HttpResponse<String> metrics = get(node.endpoint().resolve("/metrics"));
            assertFalse(metrics.body().contains("# TYPE") || metrics.body().contains("mp_scope"),
                    "Payara's metrics answered /metrics");

            HttpResponse<String> openapi = get(node.endpoint().resolve("/openapi"));
            assertFalse(openapi.body().contains("OpenAPI"), "Payara's OpenAPI answered /openapi: " + openapi.body());

            // The node announced itself in the registry, and the manager's status lists it as running.
            String auth = java.util.Base64.getEncoder().encodeToString(
                    (node.accessKey() + ":" + node.secretKey()).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            HttpResponse<String> status = http.send(HttpRequest.newBuilder(node.endpoint().resolve("/_admin/api/status"))
                    .header("Authorization", "Basic " + auth).timeout(Duration.ofSeconds(20)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, status.statusCode(), status.body());
            assertTrue(status.body().contains("\"nodes\":[{\"id\":\"n-"), status.body());
            assertTrue(status.body().contains("\"name\":\"smoke\""), status.body());
            assertTrue(status.body().contains("\"state\":\"running\""), status.body());

            // The start-up archive (bin/needlestack warmup, run by the build) is in use: mapped into the
            // node's JVM, and not refused by it (the JVM logs a [cds] warning and goes on without).
            if (!Boolean.getBoolean("needlestack.it.warmup.skip")) {
                Path archive = NodeProcess.dist().resolve("startup/needlestack.jsa");
                assertTrue(Files.isRegularFile(archive), "the build made no start-up archive: " + archive);
                String maps = Files.readString(Path.of("/proc", Long.toString(node.pid()), "maps"));
                assertTrue(maps.contains(archive.toRealPath().toString()), "the node did not map " + archive);
                assertFalse(Files.readString(node.log()).contains("[cds"), "the JVM refused the archive: see " + node.log());
            }

            // The S3 read timeout (--read-timeout, default 20 s) is kept and reaches Payara's transport.
            String nodeConf = Files.readString(node.dataDir().resolve("node.conf"));
            String preboot = Files.readString(node.dataDir().resolve("payara-preboot.asadmin"));
            assertTrue(nodeConf.contains("\nread_timeout=20\n"));
            assertTrue(preboot.contains("transport.tcp.read-timeout-millis=20000\n"));
            // So is the keep-alive bound (--keep-alive, default 120 s; RawProtocolIT sees it served).
            assertTrue(nodeConf.contains("\nkeep_alive=120\n"));
            assertTrue(preboot.contains("http-listener.http.timeout-seconds=120\n"));

            // Moved, not merely switched off: the services answer (403, disabled) at their new paths.
            assertEquals(403, get(node.endpoint().resolve("/_payara_metrics")).statusCode());
            assertEquals(403, get(node.endpoint().resolve("/_payara_openapi")).statusCode());
        } finally {
            long pid = node.pid();
            node.stop();
            assertFalse(node.isAlive());
            assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "JVM still running");
            assertFalse(Files.exists(node.dataDir().resolve("node.pid")));
        }
    }

    @Test
    @Timeout(value = 1, unit = java.util.concurrent.TimeUnit.MINUTES)
    void aTimeoutOutOfRangeIsRefusedBeforeAnythingStarts() throws Exception {
        Path dir = NodeProcess.workDirectory().resolve("smoke-read-timeout");
        for (String option : new String[] {"--read-timeout", "--keep-alive"}) {
            for (String bad : new String[] {"0", "3601", "20s"}) {
                LocalCluster.Result r = LocalCluster.script("start", "--name", "rt", "--data", dir.toString(), "--port",
                        "1", option, bad);
                assertNotEquals(0, r.exit(), r.output());
                assertTrue(r.output().contains(option + " must be 1 to 3600 seconds"), r.output());
                assertFalse(Files.exists(dir.resolve("node.pid")), "a node was started with " + option + " " + bad);
            }
        }
    }

    private HttpResponse<String> get(URI uri) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(20)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertNotEquals(0, r.statusCode());
        return r;
    }
}
