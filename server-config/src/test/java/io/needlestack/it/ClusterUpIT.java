package io.needlestack.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.retry.RetryPolicy;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * A two-node cluster on one machine, from {@code needlestack cluster up} to {@code cluster down}:
 * both nodes serve and form one Hazelcast cluster, {@code cluster status --json} sees them, a node
 * restarted with {@code start --data DIR} alone comes back as it was; {@code needlestack-adm}'s
 * verbs work through either node (status, users and keys with near caches invalidated at once,
 * ring, consistency levels, refusals, suspend and resume); and {@code cluster down} leaves no
 * process behind. One cluster for all three tests: a boot costs a tenth of a minute of two cores.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterUpIT {

    private static final int NODES = 2;
    /**
     * A near-cache TTL far longer than the test: only the manager's invalidation can make a
     * gateway forget a deleted key or bucket in time for the assertions (kept across restarts).
     */
    private static final String NODE_OPTS = "-Dneedlestack.account.cache.local.seconds=600";

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private int port;
    private Path dir;
    private Path n1;
    private Path n2;

    @BeforeAll
    void paths() {
        assumeTrue(NodeProcess.adapterPresent(),
                "needle-rar has no adapter implementation yet: the gateway cannot deploy");
        port = LocalCluster.freeBasePort(NODES);
        dir = NodeProcess.workDirectory().resolve("cluster-" + port);
        n1 = dir.resolve("n1");
        n2 = dir.resolve("n2");
    }

    @AfterAll
    void leftovers() {
        if (n1 != null) {
            LocalCluster.killLeftovers(n1, n2);
        }
    }

    @Test
    @Order(1)
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void clusterUpFormsOneClusterAndANodeRestartsFromItsDataDirectory() throws Exception {
        long t0 = System.nanoTime();
        LocalCluster.Result up = script("cluster", "up", "--nodes", Integer.toString(NODES), "--data", dir.toString(),
                "--port", Integer.toString(port), "--consistency", "2,1,1,1", "--wait", "240");
        System.out.printf("cluster up --nodes %d with first start: %.1f s%n", NODES, (System.nanoTime() - t0) / 1e9);
        assertEquals(0, up.exit(), up.output());
        assertTrue(up.output().contains("ring v1 "), "cluster up did not start the ring:\n" + up.output());
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
        LocalCluster.Result start = script("start", "--data", n2.toString(), "--wait", "240");
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
                "--port", Integer.toString(port), "--consistency", "3,2,2,2");
        assertNotEquals(0, otherN.exit());
        assertTrue(otherN.output().contains("N can never change"), otherN.output());

        // A node whose pid file is gone (its data directory emptied under it) is still found and stopped.
        long orphan = LocalCluster.pid(n2);
        Files.delete(n2.resolve("node.pid"));
        LocalCluster.Result stopOrphan = LocalCluster.script("stop", "--data", n2.toString());
        assertEquals(0, stopOrphan.exit(), stopOrphan.output());
        assertTrue(stopOrphan.output().contains("found without its pid file"), stopOrphan.output());
        assertFalse(LocalCluster.alive(orphan), "n2 still running after stop without its pid file");
        LocalCluster.Result again = script("start", "--data", n2.toString(), "--wait", "240");
        assertEquals(0, again.exit(), again.output());
    }

    @Test
    @Order(2)
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void adminVerbsOnTheTwoNodeCluster() throws Exception {
        String id1 = Files.readString(n1.resolve("node.id")).trim();
        String id2 = Files.readString(n2.resolve("node.id")).trim();
        String endpoint = "http://127.0.0.1:" + port;

        // Both nodes running and attached; both take ring v1 within a few heartbeats, and the
        // restarted n2 is running again once it recovered (nothing to wait for on an empty ring).
        String status = "";
        String checksum = "";
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            LocalCluster.Result s = LocalCluster.adm(endpoint, dir, "--json", "status");
            assertEquals(0, s.exit(), s.output());
            status = s.output();
            checksum = field(field(status, "\"ring\":\\{[^}]*"), "\"checksum\":\"([0-9a-f]*)\"");
            if (!checksum.isEmpty() && LocalCluster.count(status, "\"ringChecksum\":\"" + checksum + "\"") == 2
                    && status.contains("\"ringMismatch\":[]")
                    && LocalCluster.count(status, "\"state\":\"running\"") == 2) {
                break;
            }
            Thread.sleep(1000);
        }
        assertEquals(16, checksum.length(), status);
        assertTrue(status.contains("\"version\":1,"), status);
        assertEquals(2, LocalCluster.count(status, "\"state\":\"running\""), status);
        assertEquals(2, LocalCluster.count(status, "\"liveness\":\"running\""), status);
        assertEquals(2, LocalCluster.count(status, "\"ringChecksum\":\"" + checksum + "\""), "a node holds another ring: " + status);
        assertTrue(status.contains("\"ringMismatch\":[]"), status);
        assertTrue(Files.exists(n2.resolve("ring").resolve("current.ring")), "n2 did not keep the ring on disk");
        LocalCluster.Result table = LocalCluster.adm(endpoint, dir, "status");
        assertEquals(0, table.exit(), table.output());
        assertTrue(table.output().contains("N=2 W=1 R=1 D=1") && table.output().contains(id1)
                && table.output().contains(id2), table.output());

        // Any node is an endpoint: n2 runs no manager (no --db), its /_health names n1's.
        String viaN2 = "http://127.0.0.1:" + (port + 1);
        LocalCluster.Result forwarded = LocalCluster.adm(viaN2, dir, "--json", "status");
        assertEquals(0, forwarded.exit(), forwarded.output());
        assertTrue(forwarded.output().contains("\"role\":\"active\"") && forwarded.output().contains("\"self\":\"" + id1 + "\""),
                forwarded.output());
        LocalCluster.Result created = LocalCluster.adm(viaN2, dir, "create-user", "adm-user");
        assertEquals(0, created.exit(), created.output());
        assertTrue(created.output().contains("access key: ") && created.output().contains("secret key: "), created.output());
        LocalCluster.Result users = LocalCluster.adm(endpoint, dir, "get-users");
        assertTrue(users.exit() == 0 && users.output().contains("adm-user"), users.output());

        // Near caches: n2's gateway holds the key and a bucket once it has used them; a bucket
        // deleted through n1's gateway and a key deleted through n1's manager are refused by n2
        // right after the deleting call returned.
        String ak = field(created.output(), "access key: (\\S+)");
        String sk = field(created.output(), "secret key: (\\S+)");
        try (S3Client s3n1 = s3(endpoint, ak, sk); S3Client s3n2 = s3(viaN2, ak, sk)) {
            s3n2.createBucket(b -> b.bucket("adm-near"));
            for (int i = 0; i < 2; i++) {
                assertEquals(0, s3n2.listObjectsV2(b -> b.bucket("adm-near")).keyCount());
                assertTrue(s3n2.listBuckets().buckets().stream().anyMatch(b -> b.name().equals("adm-near")));
            }
            s3n1.deleteBucket(b -> b.bucket("adm-near"));
            S3Exception noBucket = assertThrows(S3Exception.class, () -> s3n2.listObjectsV2(b -> b.bucket("adm-near")));
            assertEquals("NoSuchBucket", noBucket.awsErrorDetails().errorCode(), noBucket.toString());

            LocalCluster.Result delKey = LocalCluster.adm(endpoint, dir, "delete-access-key", "adm-user", ak);
            assertEquals(0, delKey.exit(), delKey.output());
            S3Exception refused = assertThrows(S3Exception.class, s3n2::listBuckets);
            assertEquals(403, refused.statusCode(), refused.toString());
            assertEquals("InvalidAccessKeyId", refused.awsErrorDetails().errorCode(), refused.toString());
        }
        LocalCluster.Result deleted = LocalCluster.adm(viaN2, dir, "delete-user", "adm-user");
        assertEquals(0, deleted.exit(), deleted.output());
        assertTrue(!LocalCluster.adm(endpoint, dir, "get-users").output().contains("adm-user"));

        // The ring was started by cluster up: a second start is refused.
        LocalCluster.Result again = LocalCluster.adm(endpoint, dir, "start");
        assertEquals(1, again.exit(), again.output());
        assertTrue(again.output().contains("ClusterAlreadyStarted"), again.output());

        LocalCluster.Result ring = LocalCluster.adm(endpoint, dir, "--json", "dump-ring");
        assertEquals(0, ring.exit(), ring.output());
        assertTrue(ring.output().contains("\"checksum\":\"" + checksum + "\""), ring.output());
        assertTrue(ring.output().contains("\"id\":\"" + id1 + "\"") && ring.output().contains("\"id\":\"" + id2 + "\""),
                ring.output());
        // N=2 on two nodes: each holds a copy of everything.
        assertEquals(2, LocalCluster.count(ring.output(), "\"ownership\":1.0"), ring.output());
        LocalCluster.Result dump = LocalCluster.adm(endpoint, dir, "dump-ring");
        assertTrue(dump.output().contains("ring v1 checksum " + checksum) && dump.output().contains(id2), dump.output());

        LocalCluster.Result ok = LocalCluster.adm(endpoint, dir, "update-consistency-level", "2", "2", "1");
        assertEquals(0, ok.exit(), ok.output());
        assertTrue(ok.output().contains("N=2 W=2 R=2 D=1"), ok.output());
        ok = LocalCluster.adm(endpoint, dir, "update-consistency-level", "1", "1", "1");
        assertEquals(0, ok.exit(), ok.output());
        assertTrue(ok.output().contains("N=2 W=1 R=1 D=1"), ok.output());
        LocalCluster.Result bad = LocalCluster.adm(endpoint, dir, "update-consistency-level", "3", "1", "1");
        assertEquals(1, bad.exit(), bad.output());
        assertTrue(bad.output().contains("InvalidConsistency") && bad.output().contains("W must be between 1 and N=2"),
                bad.output());

        LocalCluster.Result detach = LocalCluster.adm(endpoint, dir, "detach", id2);
        assertEquals(1, detach.exit(), detach.output());
        assertTrue(detach.output().contains("TooFewNodes"), detach.output());
        LocalCluster.Result unknown = LocalCluster.adm(endpoint, dir, "attach", "no-such-node");
        assertEquals(1, unknown.exit(), unknown.output());
        assertTrue(unknown.output().contains("NoSuchNode"), unknown.output());
        LocalCluster.Result twice = LocalCluster.adm(endpoint, dir, "attach", id2);
        assertTrue(twice.exit() == 1 && twice.output().contains("NodeAlreadyAttached"), twice.output());
        LocalCluster.Result nothing = LocalCluster.adm(endpoint, dir, "rebalance");
        assertTrue(nothing.exit() == 1 && nothing.output().contains("NothingToRebalance"), nothing.output());

        LocalCluster.Result suspend = LocalCluster.adm(endpoint, dir, "suspend", id2);
        assertEquals(0, suspend.exit(), suspend.output());
        assertTrue(suspend.output().contains("suspended"), suspend.output());
        LocalCluster.Result one = LocalCluster.adm(endpoint, dir, "--json", "status", id2);
        assertTrue(one.output().contains("\"state\":\"suspended\"") && one.output().contains("\"inRing\":true"), one.output());
        LocalCluster.Result resume = LocalCluster.adm(endpoint, dir, "resume", id2);
        assertEquals(0, resume.exit(), resume.output());
        one = LocalCluster.adm(endpoint, dir, "--json", "status", id2);
        assertTrue(one.output().contains("\"state\":\"running\""), one.output());
        LocalCluster.Result notSuspended = LocalCluster.adm(endpoint, dir, "resume", id2);
        assertTrue(notSuspended.exit() == 1 && notSuspended.output().contains("NodeNotSuspended"), notSuspended.output());

        LocalCluster.Result republish = LocalCluster.adm(endpoint, dir, "republish-ring");
        assertEquals(0, republish.exit(), republish.output());
        assertTrue(republish.output().contains("ring v1 " + checksum), republish.output());
    }

    @Test
    @Order(3)
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void clusterDownLeavesNoProcessBehind() throws Exception {
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
    }

    /** {@code bin/needlestack} with this class's node options. */
    private static LocalCluster.Result script(String... args) throws Exception {
        return LocalCluster.runWithJavaOpts(NODE_OPTS, NodeProcess.script(), args);
    }

    private boolean formedGridOfTwo(Path node, String clusterName) throws IOException {
        String log = Files.readString(node.resolve("node.log"), StandardCharsets.UTF_8);
        return log.contains("DG Name: " + clusterName + " DG Size: 2");
    }

    private int health(int port) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/_health"))
                .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static S3Client s3(String endpoint, String ak, String sk) {
        return S3Client.builder().endpointOverride(URI.create(endpoint)).region(Region.US_EAST_1).forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ak, sk)))
                .overrideConfiguration(ClientOverrideConfiguration.builder().retryPolicy(RetryPolicy.none())
                        .apiCallTimeout(Duration.ofSeconds(30)).build())
                .httpClientBuilder(ApacheHttpClient.builder()).build();
    }

    private static String field(String s, String regex) {
        Matcher m = Pattern.compile(regex).matcher(s);
        if (!m.find()) {
            return "";
        }
        return m.groupCount() == 0 ? m.group() : m.group(1);
    }
}
