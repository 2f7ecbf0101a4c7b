package io.needlestack.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code needlestack cluster up --nodes 2}: both nodes serve, they form one Hazelcast cluster,
 * {@code cluster status --json} sees them, a node restarted with {@code start --data DIR} alone
 * comes back as it was, and {@code cluster down} leaves no process behind.
 */
class ClusterUpIT {

    private static final int NODES = 2;
    
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    @Timeout(value = 20, unit = TimeUnit.MINUTES)
    void clusterUpFormsOneClusterRestartsANodeFromItsDataDirectoryAndGoesDown() throws Exception {
        assumeTrue(NodeProcess.adapterPresent(),
                "needle-rar has no adapter implementation yet: the gateway cannot deploy");
        int port = LocalCluster.freeBasePort(NODES);
        Path dir = NodeProcess.workDirectory().resolve("cluster-" + port);
        Path n1 = dir.resolve("n1");
        Path n2 = dir.resolve("n2");
        try {
            long t0 = System.nanoTime();
            LocalCluster.Result up = LocalCluster.script("cluster", "up", "--nodes", Integer.toString(NODES), "--data", dir.toString(),
                    "--port", Integer.toString(port), "--wait", "240");
            System.out.printf("cluster up --nodes %d: %.1f s%n", NODES, (System.nanoTime() - t0) / 1e9);
            assertEquals(0, up.exit(), up.output());
            assertTrue(up.output().contains("http://127.0.0.1:" + port), up.output());
            assertTrue(up.output().contains("http://127.0.0.1:" + (port + 1)), up.output());

            assertEquals(200, health(port));
            assertEquals(200, health(port + 1));

            // One data grid: Payara Micro logs its Hazelcast membership as "Data Grid State ... DG
            // Size: K" (Hazelcast's own "Members {size:K" lines are not logged by Payara Micro).
            String name = LocalCluster.conf(dir.resolve("cluster.conf")).getProperty("cluster_name");
            assertTrue(name.startsWith("needlestack-"), name);
            assertTrue(formedGridOfTwo(n1, name), "n1 never saw a data grid of 2:\n" + LocalCluster.tail(n1));
            assertTrue(formedGridOfTwo(n2, name), "n2 never saw a data grid of 2:\n" + LocalCluster.tail(n2));

            // The same root credentials on both nodes; only n1 runs the manager without --db.
            assertEquals(Files.readString(n1.resolve("root.credentials")), Files.readString(n2.resolve("root.credentials")));
            assertEquals(Files.readString(n1.resolve("cluster.secret")), Files.readString(n2.resolve("cluster.secret")));
            assertEquals("gateway,storage,manager", LocalCluster.conf(n1.resolve("node.conf")).getProperty("roles"));
            assertEquals("gateway,storage", LocalCluster.conf(n2.resolve("node.conf")).getProperty("roles"));
            assertNotEquals(Files.readString(n1.resolve("node.id")), Files.readString(n2.resolve("node.id")));

            String status = LocalCluster.script("cluster", "status", "--data", dir.toString(), "--json").output();
            assertEquals(2, LocalCluster.count(status, "\"alive\":true"), status);
            assertEquals(0, LocalCluster.count(status, "\"alive\":false"), status);
            assertTrue(status.contains("\"name\":\"n1\"") && status.contains("\"name\":\"n2\""), status);
            assertEquals(2, LocalCluster.count(status, "\"status\":200"), status);

            // n2 restarts from its data directory alone: same port, id, roles and cluster.
            long oldPid = LocalCluster.pid(n2);
            String id = Files.readString(n2.resolve("node.id"));
            LocalCluster.Result stop = LocalCluster.script("stop", "--data", n2.toString());
            assertEquals(0, stop.exit(), stop.output());
            assertFalse(LocalCluster.alive(oldPid), "n2 still running after stop");
            t0 = System.nanoTime();
            LocalCluster.Result start = LocalCluster.script("start", "--data", n2.toString(), "--wait", "240");
            System.out.printf("start --data n2 (restart): %.1f s%n", (System.nanoTime() - t0) / 1e9);
            assertEquals(0, start.exit(), start.output());
            assertTrue(start.output().contains("http://127.0.0.1:" + (port + 1)), start.output());
            assertEquals(200, health(port + 1));
            assertNotEquals(oldPid, LocalCluster.pid(n2));
            assertEquals(id, Files.readString(n2.resolve("node.id")));
            assertTrue(formedGridOfTwo(n2, name), "restarted n2 did not rejoin:\n" + LocalCluster.tail(n2));
            assertTrue(Files.readString(n2.resolve("node.cmd")).contains("-Dneedlestack.node.id=" + id.trim()));
            // Each application deployed once: Payara Micro, left to itself, first loads the copies
            // its root directory recorded at the last run ("Loading application X done"), then
            // deploys the archives over them (a stale manager-war held the H2 file that way).
            String restartLog = Files.readString(n2.resolve("node.log"));
            assertEquals(0, LocalCluster.count(restartLog, "Loading application gateway-war done"),
                    "restarted n2 reloaded its previous deployment:\n" + LocalCluster.tail(n2));
            assertEquals(1, LocalCluster.count(restartLog, "gateway-war was successfully deployed"),
                    LocalCluster.tail(n2));

            // N is fixed at creation.
            LocalCluster.Result otherN = LocalCluster.script("cluster", "up", "--nodes", "2", "--data", dir.toString(),
                    "--port", Integer.toString(port), "--consistency", "2,1,1,1");
            assertNotEquals(0, otherN.exit());
            assertTrue(otherN.output().contains("N can never change"), otherN.output());

            // A node whose pid file is gone (its data directory emptied under it) is still found and stopped.
            long orphan = LocalCluster.pid(n2);
            Files.delete(n2.resolve("node.pid"));
            LocalCluster.Result stopOrphan = LocalCluster.script("stop", "--data", n2.toString());
            assertEquals(0, stopOrphan.exit(), stopOrphan.output());
            assertTrue(stopOrphan.output().contains("found without its pid file"), stopOrphan.output());
            assertFalse(LocalCluster.alive(orphan), "n2 still running after stop without its pid file");
            LocalCluster.Result again = LocalCluster.script("start", "--data", n2.toString(), "--wait", "240");
            assertEquals(0, again.exit(), again.output());

            List<Long> pids = List.of(LocalCluster.pid(n1), LocalCluster.pid(n2));
            LocalCluster.Result down = LocalCluster.script("cluster", "down", "--data", dir.toString());
            assertEquals(0, down.exit(), down.output());
            for (long pid : pids) {
                assertFalse(LocalCluster.alive(pid), "pid " + pid + " still running after cluster down");
            }
            assertFalse(Files.exists(n1.resolve("node.pid")));
            assertFalse(Files.exists(n2.resolve("node.pid")));
            String after = LocalCluster.script("cluster", "status", "--data", dir.toString(), "--json").output();
            assertEquals(2, LocalCluster.count(after, "\"alive\":false"), after);
        } finally {
            LocalCluster.killLeftovers(n1, n2);
        }
    }

    private boolean formedGridOfTwo(Path node, String clusterName) throws IOException {
        String log = Files.readString(node.resolve("node.log"), StandardCharsets.UTF_8);
        return log.contains("DG Name: " + clusterName + " DG Size: 2");
    }

    private int health(int port) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/_health"))
                .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }


}
