package io.needlestack.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.hazelcast.client.HazelcastClient;
import com.hazelcast.client.config.ClientConfig;
import com.hazelcast.core.HazelcastInstance;
import io.needlestack.core.ring.Ring;
import io.needlestack.core.ring.RingCodec;
import io.needlestack.core.ring.RingPublication;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Properties;
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
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Three manager nodes on a real PostgreSQL ({@link PostgresServer}, its own server in a temporary
 * directory) started with {@code needlestack cluster up --nodes 3 --db jdbc:postgresql://...}:
 * exactly one active manager, the others standing by and forwarding; a ring publication
 * overwritten with another ring (what a stale writer or a split-brain merge leaves) is detected
 * and repaired; {@code kill -9} of the active manager: a standby takes over within a bound
 * (measured), users, keys, buckets, S3 and consistency changes keep working through the
 * survivors; the killed node, restarted, stands by and overwrites nothing.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ManagerFailoverIT {

    private static final int NODES = 3;
    /** Lease 6 s, renewal every 1.2 s: a take-over well within this on a loaded machine. */
    private static final Duration TAKEOVER_BOUND = Duration.ofSeconds(45);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
    private PostgresServer pg;
    private Path dir;
    private int port;
    private Properties root;

    @BeforeAll
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void up() throws Exception {
        assumeTrue(NodeProcess.adapterPresent(), "needle-rar has no adapter implementation yet");
        pg = PostgresServer.start();
        port = LocalCluster.freeBasePort(NODES);
        dir = NodeProcess.workDirectory().resolve("failover-" + port);
        long t0 = System.nanoTime();
        LocalCluster.Result up = LocalCluster.script("cluster", "up", "--nodes", Integer.toString(NODES), "--data",
                dir.toString(), "--port", Integer.toString(port), "--consistency", "3,2,2,2", "--db", pg.jdbcUrl(),
                "--wait", "240");
        System.out.printf("cluster up --nodes 3 --db postgresql: %.1f s%n", (System.nanoTime() - t0) / 1e9);
        assertEquals(0, up.exit(), up.output());
        assertTrue(up.output().contains("ring v1 "), up.output());
        root = LocalCluster.conf(dir.resolve("root.credentials"));
    }

    @AfterAll
    void down() throws Exception {
        try {
            if (dir != null) {
                LocalCluster.script("cluster", "down", "--data", dir.toString(), "--timeout", "30");
            }
        } finally {
            if (dir != null) {
                LocalCluster.killLeftovers(node(1), node(2), node(3));
            }
            if (pg != null) {
                pg.close();
            }
        }
    }

    private Path node(int i) {
        return dir.resolve("n" + i);
    }

    private String url(int i) {
        return "http://127.0.0.1:" + (port + i - 1);
    }

    private String health(int i) {
        return LocalCluster.health(port + i - 1);
    }

    private HttpResponse<String> adminGet(int i, String path) throws Exception {
        String basic = Base64.getEncoder().encodeToString((root.getProperty("access_key") + ":"
                + root.getProperty("secret_key")).getBytes(StandardCharsets.UTF_8));
        return http.send(HttpRequest.newBuilder(URI.create(url(i) + "/_admin/api/" + path))
                .header("Authorization", "Basic " + basic).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private LocalCluster.Result adm(int via, String... args) throws Exception {
        return LocalCluster.adm(url(via), dir, args);
    }

    /** The node number (1..3) whose HTTP endpoint the lease names. */
    private int activeNode() throws Exception {
        String endpoint = pg.sql("SELECT endpoint FROM ns_manager_lease WHERE id = 1");
        for (int i = 1; i <= NODES; i++) {
            if (endpoint.equals(url(i))) {
                return i;
            }
        }
        throw new AssertionError("the lease names no node of the cluster: " + endpoint);
    }

    @Test
    @Order(1)
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void exactlyOneActiveManagerAndTheStandbysForwardToIt() throws Exception {
        assertEquals("3", pg.sql("SELECT COUNT(*) FROM ns_schema"), "schema versions applied once");
        assertEquals("1", pg.sql("SELECT COUNT(*) FROM ns_user WHERE id = 'root'"));
        int active = activeNode();
        String term = pg.sql("SELECT term FROM ns_manager_lease WHERE id = 1");
        for (int i = 1; i <= NODES; i++) {
            assertTrue(health(i).contains("\"manager\":\"" + url(active) + "\""), "n" + i + ": " + health(i));
            HttpResponse<String> s = adminGet(i, "status");
            assertEquals(200, s.statusCode(), s.body());
            assertTrue(s.body().contains("\"role\":\"active\"") && s.body().contains("\"term\":" + term + ","), s.body());
            assertEquals(i == active ? "" : url(active), s.headers().firstValue("X-Needlestack-Manager").orElse(""),
                    "n" + i + " answered status itself or forwarded it: " + s.headers().map());
        }
        LocalCluster.Result st = adm(active == 1 ? 2 : 1, "status");
        assertEquals(0, st.exit(), st.output());
        assertTrue(st.output().contains(" is active, term " + term), st.output());
    }

    @Test
    @Order(2)
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void anOverwrittenRingPublicationIsDetectedAndRepaired() throws Exception {
        int active = activeNode();
        String status = adminGet(1, "status").body();
        String stored = field(status, "\"ring\":\\{\"version\":\\d+,\"checksum\":\"([0-9a-f]+)\"");
        assertEquals(16, stored.length(), status);
        long repairsBefore = Long.parseLong(field(status, "\"ringRepair\":\\{\"count\":(\\d+)"));
        ClientConfig cc = new ClientConfig();
        cc.setClusterName(LocalCluster.conf(dir.resolve("cluster.conf")).getProperty("cluster_name"));
        for (int i = 0; i < NODES; i++) {
            cc.getNetworkConfig().addAddress("127.0.0.1:" + (port + 1000 + i));
        }
        cc.setProperty("hazelcast.phone.home.enabled", "false");
        cc.getConnectionStrategyConfig().getConnectionRetryConfig().setClusterConnectTimeoutMillis(30_000);
        HazelcastInstance client = HazelcastClient.newHazelcastClient(cc);
        try {
            Map<String, String> map = client.getMap(RingPublication.MAP);
            String good = map.get(RingPublication.CURRENT);
            Ring ring = RingPublication.fromText(good);
            assertEquals(stored, ring.checksumHex());
            // Same version and members, other virtual nodes: another ring under the same version,
            // as a split-brain merge or a stale writer leaves it.
            Ring other = new Ring(ring.version(), ring.replicaCount(), 16, ring.members());
            map.put(RingPublication.CURRENT, RingPublication.toText(other));
            long t0 = System.nanoTime();
            long deadline = t0 + Duration.ofSeconds(60).toNanos();
            boolean repaired = false;
            String last = "";
            while (System.nanoTime() < deadline && !repaired) {
                Thread.sleep(500);
                last = adminGet(1, "status").body();
                long repairs = Long.parseLong(field(last, "\"ringRepair\":\\{\"count\":(\\d+)"));
                repaired = repairs > repairsBefore && good.equals(map.get(RingPublication.CURRENT))
                        && LocalCluster.count(last, "\"ringChecksum\":\"" + stored + "\"") == NODES
                        && last.contains("\"ringMismatch\":[]");
                for (int i = 1; i <= NODES && repaired; i++) {
                    repaired = health(i).contains("\"checksum\":\"" + stored + "\"");
                }
            }
            System.out.printf("overwritten ring publication repaired and all nodes back on it in %.1f s%n",
                    (System.nanoTime() - t0) / 1e9);
            assertTrue(repaired, "not repaired within 60 s: " + last);
            String log = Files.readString(node(active).resolve("node.log"));
            assertTrue(log.contains("ring mismatch repaired (re-published the stored ring): the publication map held ring v"
                    + ring.version() + " " + other.checksumHex()), "no repair line in the active manager's log");
            for (int i = 1; i <= NODES; i++) {
                assertEquals(stored, RingCodec.decode(Files.readAllBytes(node(i).resolve(RingPublication.LOCAL_FILE)))
                        .checksumHex(),
                        "n" + i + " kept another ring on disk");
            }
        } finally {
            client.shutdown();
        }
    }

    @Test
    @Order(3)
    @Timeout(value = 6, unit = TimeUnit.MINUTES)
    void killingTheActiveManagerHandsTheRoleToAStandbyAndTheClusterKeepsWorking() throws Exception {
        int dead = activeNode();
        int via = dead == 1 ? 2 : 1;
        String oldTerm = pg.sql("SELECT term FROM ns_manager_lease WHERE id = 1");
        String ringBefore = pg.sql("SELECT ring_version FROM ns_cluster WHERE id = 1");
        try (S3Client s3 = s3(via, root.getProperty("access_key"), root.getProperty("secret_key"))) {
            s3.createBucket(b -> b.bucket("before-failover"));
            s3.putObject(b -> b.bucket("before-failover").key("k"), RequestBody.fromString("written before"));
        }

        long t0 = System.nanoTime();
        LocalCluster.kill9(node(dead));
        int next = 0;
        long deadline = t0 + TAKEOVER_BOUND.toNanos();
        while (System.nanoTime() < deadline) {
            if (!pg.sql("SELECT term FROM ns_manager_lease WHERE id = 1").equals(oldTerm)) {
                next = activeNode();
                break;
            }
            Thread.sleep(200);
        }
        double takeover = (System.nanoTime() - t0) / 1e9;
        assertTrue(next != 0 && next != dead, "no standby took over within " + TAKEOVER_BOUND);
        System.out.printf("kill -9 of the active manager n%d: n%d holds the lease after %.1f s%n", dead, next, takeover);
        int other = 6 - dead - next;

        // The admin CLI through a surviving node finds the new manager (waiting for it if needed).
        LocalCluster.Result status = adm(other, "status");
        double served = (System.nanoTime() - t0) / 1e9;
        assertEquals(0, status.exit(), status.output());
        assertTrue(status.output().contains(" is active, term "), status.output());
        System.out.printf("needlestack-adm status answered by the new manager %.1f s after the kill%n", served);
        assertTrue(health(other).contains("\"manager\":\"" + url(next) + "\""), health(other));

        // Users, keys and buckets on the new manager.
        LocalCluster.Result user = adm(other, "create-user", "after-failover");
        assertEquals(0, user.exit(), user.output());
        String ak = field(user.output(), "access key: (\\S+)");
        String sk = field(user.output(), "secret key: (\\S+)");
        LocalCluster.Result key = adm(next, "add-access-key", "after-failover");
        assertEquals(0, key.exit(), key.output());
        LocalCluster.Result delKey = adm(other, "delete-access-key", "after-failover", field(key.output(), "access key: (\\S+)"));
        assertEquals(0, delKey.exit(), delKey.output());
        LocalCluster.Result bucket = adm(other, "add-bucket", "adm-bucket", "after-failover");
        assertEquals(0, bucket.exit(), bucket.output());
        LocalCluster.Result users = adm(other, "get-users");
        assertTrue(users.exit() == 0 && users.output().contains("after-failover") && users.output().contains(ak), users.output());
        LocalCluster.Result buckets = adm(other, "get-buckets", "after-failover");
        assertTrue(buckets.exit() == 0 && buckets.output().contains("adm-bucket"), buckets.output());

        // S3 through both survivors, with a key the new manager created.
        try (S3Client a = s3(other, ak, sk); S3Client b = s3(next, root.getProperty("access_key"), root.getProperty("secret_key"))) {
            a.createBucket(x -> x.bucket("after-failover"));
            a.putObject(x -> x.bucket("after-failover").key("k"), RequestBody.fromString("written after"));
            assertEquals("written after", a.getObjectAsBytes(x -> x.bucket("after-failover").key("k")).asUtf8String());
            assertEquals("written before", b.getObjectAsBytes(x -> x.bucket("before-failover").key("k")).asUtf8String());
            assertTrue(b.listBuckets().buckets().stream().anyMatch(x -> x.name().equals("before-failover")));
        }

        // A cluster setting changes on the new manager.
        LocalCluster.Result levels = adm(other, "update-consistency-level", "2", "2", "2");
        assertEquals(0, levels.exit(), levels.output());
        assertTrue(levels.output().contains("N=3 W=2 R=2 D=2"), levels.output());
        String settings = pg.sql("SELECT n || ',' || w || ',' || r || ',' || d || ' v' || settings_version FROM ns_cluster");
        String newTerm = pg.sql("SELECT term FROM ns_manager_lease WHERE id = 1");

        // The killed node comes back: it stands by, forwards, and changes nothing.
        long r0 = System.nanoTime();
        LocalCluster.Result restart = LocalCluster.script("start", "--data", node(dead).toString(), "--wait", "240");
        assertEquals(0, restart.exit(), restart.output() + LocalCluster.tail(node(dead)));
        System.out.printf("killed node restarted in %.1f s%n", (System.nanoTime() - r0) / 1e9);
        Thread.sleep(3000); // a few lease rounds of the returning node
        assertEquals(newTerm, pg.sql("SELECT term FROM ns_manager_lease WHERE id = 1"), "the returning node took the lease");
        assertEquals(url(next), pg.sql("SELECT endpoint FROM ns_manager_lease WHERE id = 1"));
        assertEquals(ringBefore, pg.sql("SELECT ring_version FROM ns_cluster WHERE id = 1"), "the ring changed");
        assertEquals(settings, pg.sql("SELECT n || ',' || w || ',' || r || ',' || d || ' v' || settings_version FROM ns_cluster"),
                "the returning node overwrote the consistency levels");
        HttpResponse<String> s = adminGet(dead, "status");
        assertEquals(200, s.statusCode(), s.body());
        assertEquals(url(next), s.headers().firstValue("X-Needlestack-Manager").orElse(""), "the returning node answered itself");
        assertTrue(s.body().contains("\"w\":2,\"r\":2,\"d\":2"), s.body());
        String log = Files.readString(node(dead).resolve("node.log"));
        assertTrue(log.contains("stands by"), "the returning node did not stand by");
    }

    private S3Client s3(int i, String ak, String sk) {
        return S3Client.builder().endpointOverride(URI.create(url(i))).region(Region.US_EAST_1).forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ak, sk)))
                .overrideConfiguration(ClientOverrideConfiguration.builder().retryPolicy(RetryPolicy.none())
                        .apiCallTimeout(Duration.ofSeconds(30)).build())
                .httpClientBuilder(ApacheHttpClient.builder()).build();
    }

    private static String field(String s, String regex) {
        Matcher m = Pattern.compile(regex).matcher(s);
        assertTrue(m.find(), "no " + regex + " in " + s);
        return m.group(1);
    }

}
