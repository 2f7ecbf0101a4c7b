package io.needlestack.manager.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.needlestack.core.account.AccountException;
import io.needlestack.core.account.BucketConflictException;
import io.needlestack.core.account.BucketInfo;
import io.needlestack.core.account.Credential;
import io.needlestack.core.internal.InternalAuth;
import io.needlestack.core.internal.ManagerInternalClient;

/**
 * The manager WAR on a real Payara Micro: admin API with HTTP Basic, the internal API through
 * the real {@link ManagerInternalClient} with the cluster secret's HMAC, refusals of bad and
 * replayed signatures.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(60)
class ManagerIT {

    private static final String ROOT_KEY = "ITROOTACCESSKEY00001";
    private static final String ROOT_SECRET = "it-root-secret-0123456789abcdefghijklmnop";
    private static final String CLUSTER_SECRET = "it-cluster-secret-0123456789abcdef0123456789";

    @TempDir
    static Path work;

    private PayaraMicroProcess micro;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private ManagerInternalClient internal;
    private InternalAuth signer;

    private String aliceKey;
    private String aliceSecret;

    @BeforeAll
    @Timeout(300)
    void start() throws Exception {
        Path data = Files.createDirectories(work.resolve("data"));
        // What the start script writes.
        Files.writeString(data.resolve("root.credentials"), "access_key=" + ROOT_KEY + "\nsecret_key=" + ROOT_SECRET + "\n");
        Files.writeString(data.resolve("cluster.secret"), CLUSTER_SECRET + "\n");
        Path war = Path.of(System.getProperty("it.war", "target/manager-war.war"));
        Path probe = buildProbeWar(war, work);
        micro = PayaraMicroProcess.start(work, data, List.of(war, probe), "/_admin/", Duration.ofSeconds(240));
        System.out.printf("Payara Micro with manager-war started in %d ms (until /_admin/ answered 200)%n",
                System.currentTimeMillis() - micro.startMillis);
        signer = new InternalAuth(CLUSTER_SECRET.getBytes(StandardCharsets.UTF_8));
        internal = new ManagerInternalClient(http, signer, () -> micro.uri(""), Duration.ofSeconds(10));
    }

    @AfterAll
    void stop() throws Exception {
        if (micro != null) {
            String manager = String.join("\n", Files.readAllLines(micro.log).stream()
                    .filter(l -> l.contains("manager") || l.contains("SEVERE") || l.contains("refused")).toList());
            System.out.println("--- manager lines of the Payara Micro log ---\n" + manager);
            micro.close();
            Path keep = Path.of("target", "it", "ManagerIT-payara-micro.log");
            Files.createDirectories(keep.getParent());
            Files.copy(micro.log, keep, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
    }

    // ---------------------------------------------------------------- admin API

    @Test
    @Order(1)
    void adminApiNeedsAdminCredentials() throws Exception {
        HttpResponse<String> none = send("GET", "/_admin/api/status", null, null);
        assertEquals(401, none.statusCode());
        assertEquals("Unauthorized", json(none).getString("code"));
        assertTrue(none.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Basic"));
        assertEquals(401, send("GET", "/_admin/api/status", basic(ROOT_KEY, ROOT_SECRET + "x"), null).statusCode());
        assertEquals(401, send("GET", "/_admin/api/users", basic("NOSUCHKEY", ROOT_SECRET), null).statusCode());
    }

    @Test
    @Order(2)
    void statusShowsTheNodeAndTheManager() throws Exception {
        HttpResponse<String> r = admin("GET", "/_admin/api/status", null);
        assertEquals(200, r.statusCode(), r.body());
        JsonObject s = json(r);
        System.out.println("status: " + s);
        assertEquals(1, s.getInt("users"));
        assertEquals(0, s.getInt("buckets"));
        assertEquals(List.of("manager"), s.getJsonArray("roles").getValuesAs(v -> ((jakarta.json.JsonString) v).getString()));
        // the H2 of WEB-INF/lib, not the older one Payara Micro carries
        assertTrue(s.getString("database").startsWith("H2 " + System.getProperty("it.h2.version")), s.getString("database"));
        assertEquals("0.1.0-SNAPSHOT", s.getString("version"));
        assertTrue(s.getJsonObject("cluster").getBoolean("clustered"), "Payara's Hazelcast and JCache found");
        assertEquals("http://127.0.0.1:" + micro.httpPort, s.getJsonObject("cluster").getString("managerUrl"));
        // The database is where the node's settings say.
        assertTrue(Files.exists(micro.dataDir.resolve("manager").resolve("db.mv.db")));
        // and the index page says what is there
        HttpResponse<String> index = send("GET", "/_admin/", null, null);
        assertTrue(index.body().contains("/_admin/api/"));
    }

    @Test
    @Order(3)
    void usersAreCreatedWithAKeyPairShownOnce() throws Exception {
        HttpResponse<String> r = admin("POST", "/_admin/api/users", "{\"id\":\"alice\",\"displayName\":\"Alice\"}");
        assertEquals(201, r.statusCode(), r.body());
        JsonObject created = json(r);
        assertEquals("alice", created.getJsonObject("user").getString("id"));
        assertEquals("user", created.getJsonObject("user").getString("role"));
        aliceKey = created.getJsonObject("key").getString("accessKey");
        aliceSecret = created.getJsonObject("key").getString("secretKey");
        assertTrue(r.headers().firstValue("Location").orElse("").endsWith("/_admin/api/users/alice"));

        assertEquals("UserAlreadyExists", error(admin("POST", "/_admin/api/users", "{\"id\":\"alice\"}"), 409));
        assertEquals("InvalidUserId", error(admin("POST", "/_admin/api/users", "{\"id\":\"Bad Id\"}"), 400));
        assertEquals("MalformedJSON", error(admin("POST", "/_admin/api/users", "{not json"), 400));
        assertEquals("InvalidArgument", error(admin("POST", "/_admin/api/users", "{\"id\":\"bob\",\"role\":\"god\"}"), 400));

        HttpResponse<String> list = admin("GET", "/_admin/api/users", null);
        assertEquals(200, list.statusCode());
        assertEquals(List.of("alice", "root"), json(list).getJsonArray("users").stream()
                .map(v -> v.asJsonObject().getString("id")).toList());
        assertFalse(list.body().contains(aliceSecret), "secrets are never listed");
        assertFalse(list.body().contains(ROOT_SECRET), "secrets are never listed");

        JsonObject alice = json(admin("GET", "/_admin/api/users/alice", null));
        assertEquals(aliceKey, alice.getJsonArray("accessKeys").getJsonObject(0).getString("accessKey"));
        assertEquals("NoSuchUser", error(admin("GET", "/_admin/api/users/nobody", null), 404));
        assertEquals("NotFound", error(admin("GET", "/_admin/api/nothing-here", null), 404));
    }

    @Test
    @Order(4)
    void nonAdminUsersAreRefused() throws Exception {
        HttpResponse<String> r = send("GET", "/_admin/api/status", basic(aliceKey, aliceSecret), null);
        assertEquals("AccessDenied", error(r, 403));
    }

    @Test
    @Order(5)
    void keysAreAddedAndDeleted() throws Exception {
        HttpResponse<String> r = admin("POST", "/_admin/api/users/alice/keys", null);
        assertEquals(201, r.statusCode(), r.body());
        String key2 = json(r).getString("accessKey");
        String secret2 = json(r).getString("secretKey");
        assertEquals(Optional.of(new Credential(key2, secret2, "alice", "Alice", true)), internal.credential(key2));

        assertEquals(204, admin("DELETE", "/_admin/api/users/alice/keys/" + key2, null).statusCode());
        assertEquals(Optional.empty(), internal.credential(key2));
        assertEquals("NoSuchAccessKey", error(admin("DELETE", "/_admin/api/users/alice/keys/" + key2, null), 404));
        assertEquals("LastAdminKey", error(admin("DELETE", "/_admin/api/users/root/keys/" + ROOT_KEY, null), 409));
        assertEquals("NoSuchUser", error(admin("POST", "/_admin/api/users/nobody/keys", null), 404));
    }

    // ---------------------------------------------------------------- internal API via the client

    @Test
    @Order(10)
    void credentialsAreLookedUpByAccessKey() {
        assertEquals(Optional.of(new Credential(aliceKey, aliceSecret, "alice", "Alice", true)), internal.credential(aliceKey));
        assertEquals(Optional.of(new Credential(ROOT_KEY, ROOT_SECRET, "root", "root", true)), internal.credential(ROOT_KEY));
        assertEquals(Optional.empty(), internal.credential("UNKNOWNKEY"));
    }

    @Test
    @Order(6)
    void bucketsAreCreatedOnceAndConflictsAreTyped() {
        Instant before = Instant.now().minusSeconds(60);
        BucketInfo photos = internal.createBucket("photos", "alice", "eu-west-1");
        assertEquals("photos", photos.name());
        assertEquals("alice", photos.ownerId());
        assertEquals("eu-west-1", photos.region());
        assertTrue(photos.created().isAfter(before));

        BucketConflictException mine = assertThrows(BucketConflictException.class,
                () -> internal.createBucket("photos", "alice", "eu-west-1"));
        assertEquals(BucketConflictException.Kind.ALREADY_OWNED_BY_YOU, mine.kind());
        BucketConflictException theirs = assertThrows(BucketConflictException.class,
                () -> internal.createBucket("photos", "root", "eu-west-1"));
        assertEquals(BucketConflictException.Kind.ALREADY_EXISTS, theirs.kind());
        assertEquals("InvalidBucketName", assertThrows(AccountException.class,
                () -> internal.createBucket("Bad_Name", "alice", "eu-west-1")).code());
        assertEquals("NoSuchUser", assertThrows(AccountException.class,
                () -> internal.createBucket("orphan", "nobody", "eu-west-1")).code());

        assertEquals(Optional.of(photos), internal.bucket("photos"));
        assertEquals(List.of(photos), internal.buckets("alice"));
        assertEquals(List.of(), internal.buckets("root"));
        assertEquals(Optional.empty(), internal.bucket("nothing"));
    }

    @Test
    @Order(11)
    void concurrentCreationsOfOneNameGiveOneWinnerAndS3Conflicts() throws Exception {
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(8);
        try {
            List<java.util.concurrent.Future<String>> outcomes = new java.util.ArrayList<>();
            for (int i = 0; i < 8; i++) {
                String owner = i % 2 == 0 ? "alice" : "root";
                outcomes.add(pool.submit(() -> {
                    try {
                        return "created:" + internal.createBucket("contended", owner, "us-east-1").ownerId();
                    } catch (BucketConflictException e) {
                        return owner + ":" + e.code();
                    }
                }));
            }
            List<String> results = new java.util.ArrayList<>();
            for (java.util.concurrent.Future<String> f : outcomes) {
                results.add(f.get(30, java.util.concurrent.TimeUnit.SECONDS));
            }
            List<String> created = results.stream().filter(r -> r.startsWith("created:")).toList();
            assertEquals(1, created.size(), results.toString());
            String winner = created.get(0).substring("created:".length());
            for (String r : results) {
                if (!r.startsWith("created:")) {
                    String expected = r.startsWith(winner + ":") ? "BucketAlreadyOwnedByYou" : "BucketAlreadyExists";
                    assertTrue(r.endsWith(":" + expected), results.toString());
                }
            }
            assertTrue(internal.deleteBucket("contended"));
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    @Order(12)
    void adminApiSeesAndCreatesBucketsButLeavesDeletionToS3() throws Exception {
        JsonObject all = json(admin("GET", "/_admin/api/buckets", null));
        assertEquals("photos", all.getJsonArray("buckets").getJsonObject(0).getString("name"));
        assertEquals("alice", json(admin("GET", "/_admin/api/buckets/photos", null)).getString("owner"));
        assertEquals("NoSuchBucket", error(admin("GET", "/_admin/api/buckets/nothing", null), 404));

        HttpResponse<String> logs = admin("PUT", "/_admin/api/buckets/logs?owner=alice", null);
        assertEquals(201, logs.statusCode(), logs.body());
        assertEquals("us-east-1", json(logs).getString("region"), "the node's default region");
        HttpResponse<String> rootOwned = admin("PUT", "/_admin/api/buckets/root-things", null);
        assertEquals("root", json(rootOwned).getString("owner"), "owner defaults to the caller");
        assertEquals("BucketAlreadyExists", error(admin("PUT", "/_admin/api/buckets/logs", null), 409));
        // Only a node can tell whether a bucket is empty, and this manager runs without one: the
        // deletion is refused and the record stays (deleted through the internal API below).
        assertEquals("NoLiveNode", error(admin("DELETE", "/_admin/api/buckets/logs", null), 503));
        assertEquals("UserOwnsBuckets", error(admin("DELETE", "/_admin/api/users/alice", null), 409));
        assertEquals(3, json(admin("GET", "/_admin/api/status", null)).getInt("buckets"));
    }

    @Test
    @Order(13)
    void bucketsAreDeletedThroughTheInternalApiThenTheUser() throws Exception {
        assertTrue(internal.deleteBucket("photos"));
        assertFalse(internal.deleteBucket("photos"));
        assertEquals(Optional.empty(), internal.bucket("photos"));
        assertTrue(internal.deleteBucket("logs"));
        assertTrue(internal.deleteBucket("root-things"));
        assertEquals(204, admin("DELETE", "/_admin/api/users/alice", null).statusCode());
        assertEquals(Optional.empty(), internal.credential(aliceKey), "a deleted user's key stops at once");
        assertEquals("CannotDeleteRoot", error(admin("DELETE", "/_admin/api/users/root", null), 409));
    }

    // ---------------------------------------------------------------- internal API refusals

    @Test
    @Order(20)
    void unsignedForgedAndReplayedRequestsAreRefused() throws Exception {
        String target = "/_admin/internal/credentials/" + ROOT_KEY;
        assertEquals("AccessDenied", error(send("GET", target, null, null), 403));

        InternalAuth forger = new InternalAuth("not-the-cluster-secret-0123456789".getBytes(StandardCharsets.UTF_8));
        assertEquals(403, signed("GET", target, forger.sign("GET", target)).statusCode());

        Map<String, String> headers = signer.sign("GET", target);
        HttpResponse<String> first = signed("GET", target, headers);
        assertEquals(200, first.statusCode(), first.body());
        assertTrue(first.body().contains(ROOT_SECRET));
        HttpResponse<String> replay = signed("GET", target, headers);
        assertEquals(403, replay.statusCode());
        assertFalse(replay.body().contains(ROOT_SECRET));

        // signed for another path
        assertEquals(403, signed("GET", target, signer.sign("GET", "/_admin/internal/credentials/OTHER")).statusCode());
        // signed for another method
        assertEquals(403, signed("DELETE", "/_admin/internal/buckets/x", signer.sign("GET", "/_admin/internal/buckets/x")).statusCode());
        // ten minutes old
        InternalAuth late = new InternalAuth(CLUSTER_SECRET.getBytes(StandardCharsets.UTF_8),
                Clock.offset(Clock.systemUTC(), Duration.ofMinutes(-10)), Duration.ofMinutes(5), 10);
        assertEquals(403, signed("GET", target, late.sign("GET", target)).statusCode());
    }

    // ---------------------------------------------------------------- what a gateway sees

    @Test
    @Order(30)
    void gatewayCachesAreFilledByReadsAndEmptiedByTheManagersChanges() throws Exception {
        // The probe application plays the gateway: another class loader, Payara's shared caches.
        assertEquals("http://127.0.0.1:" + micro.httpPort, probe("GET", "/manager", null).body(),
                "the manager published its address in Hazelcast");

        JsonObject carol = json(admin("POST", "/_admin/api/users", "{\"id\":\"carol\"}"));
        String carolKey = carol.getJsonObject("key").getString("accessKey");
        String spareKey = json(admin("POST", "/_admin/api/users/carol/keys", null)).getString("accessKey");

        assertEquals(404, probe("GET", "/bucket/carols", null).statusCode());
        assertEquals(404, probe("GET", "/cache/needlestack.buckets/carols", null).statusCode(), "absence is not cached");
        internal.createBucket("carols", "carol", "us-east-1");
        assertEquals(200, probe("GET", "/bucket/carols", null).statusCode());
        assertEquals(200, probe("GET", "/cache/needlestack.buckets/carols", null).statusCode(), "a read fills the cache");
        assertEquals(200, probe("GET", "/credential/" + carolKey, null).statusCode());
        assertTrue(probe("GET", "/cache/needlestack.credentials/" + carolKey, null).body().contains("\"userId\":\"carol\""));

        // Reads are served from the shared cache: a record only the cache holds is returned.
        assertEquals(204, probe("PUT", "/cache/needlestack.buckets/phantom",
                "{\"name\":\"phantom\",\"owner\":\"carol\",\"region\":\"r\",\"created\":\"2026-01-01T00:00:00Z\"}").statusCode());
        assertEquals(200, probe("GET", "/bucket/phantom", null).statusCode());

        // The manager removes the entries of what it changes before it answers.
        assertEquals(204, admin("DELETE", "/_admin/api/users/carol/keys/" + carolKey, null).statusCode());
        assertEquals(404, probe("GET", "/cache/needlestack.credentials/" + carolKey, null).statusCode());
        assertEquals(404, probe("GET", "/credential/" + carolKey, null).statusCode(), "a deleted key stops at once");
        assertTrue(internal.deleteBucket("carols"));
        assertEquals(404, probe("GET", "/cache/needlestack.buckets/carols", null).statusCode());
        assertEquals(404, probe("GET", "/bucket/carols", null).statusCode(), "a deleted bucket is gone at once");
        assertEquals(200, probe("GET", "/credential/" + spareKey, null).statusCode());
        assertEquals(204, admin("DELETE", "/_admin/api/users/carol", null).statusCode());
        assertEquals(404, probe("GET", "/credential/" + spareKey, null).statusCode(), "deleting a user removes its keys");
    }

    // ---------------------------------------------------------------- restart

    @Test
    @Order(40)
    @Timeout(300)
    void dataSurvivesARestartAndRootFollowsItsFile() throws Exception {
        assertEquals(201, admin("POST", "/_admin/api/users", "{\"id\":\"dave\"}").statusCode());
        micro.close();
        Path data = micro.dataDir;
        // The operator rotates the root keys.
        Files.writeString(data.resolve("root.credentials"), "access_key=ITROOTROTATED0000002\nsecret_key=rotated-" + ROOT_SECRET + "\n");
        Path war = Path.of(System.getProperty("it.war", "target/manager-war.war"));
        micro = PayaraMicroProcess.start(work, data, List.of(war, work.resolve("probe.war")), "/_admin/", Duration.ofSeconds(240));
        System.out.printf("Payara Micro restarted in %d ms%n", System.currentTimeMillis() - micro.startMillis);

        assertEquals(401, admin("GET", "/_admin/api/status", null).statusCode(), "the old root key is gone");
        HttpResponse<String> users = send("GET", "/_admin/api/users", basic("ITROOTROTATED0000002", "rotated-" + ROOT_SECRET), null);
        assertEquals(200, users.statusCode(), users.body());
        assertEquals(List.of("dave", "root"), json(users).getJsonArray("users").stream()
                .map(v -> v.asJsonObject().getString("id")).toList());
        assertEquals(Optional.empty(), internal.credential(ROOT_KEY));
        assertEquals("root", internal.credential("ITROOTROTATED0000002").orElseThrow().userId());
    }

    private HttpResponse<String> probe(String method, String path, String body) throws Exception {
        return send(method, "/probe/api" + path, null, body);
    }

    /** The probe WAR: the probe classes of this test and cluster-core from the manager WAR. */
    private static Path buildProbeWar(Path managerWar, Path into) throws Exception {
        Path classes = Path.of(ManagerIT.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path probeDir = classes.resolve("io/needlestack/manager/it/probe");
        Path war = into.resolve("probe.war");
        try (java.util.zip.ZipOutputStream out = new java.util.zip.ZipOutputStream(Files.newOutputStream(war));
             java.util.stream.Stream<Path> files = Files.list(probeDir);
             java.util.zip.ZipFile manager = new java.util.zip.ZipFile(managerWar.toFile())) {
            for (Path f : files.toList()) {
                out.putNextEntry(new java.util.zip.ZipEntry("WEB-INF/classes/" + classes.relativize(f).toString().replace('\\', '/')));
                Files.copy(f, out);
                out.closeEntry();
            }
            java.util.zip.ZipEntry core = manager.stream().filter(e -> e.getName().startsWith("WEB-INF/lib/cluster-core"))
                    .findFirst().orElseThrow();
            out.putNextEntry(new java.util.zip.ZipEntry(core.getName()));
            manager.getInputStream(core).transferTo(out);
            out.closeEntry();
        }
        return war;
    }

    // ---------------------------------------------------------------- helpers

    private HttpResponse<String> signed(String method, String target, Map<String, String> headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(micro.uri(target)).timeout(Duration.ofSeconds(10))
                .method(method, HttpRequest.BodyPublishers.noBody());
        headers.forEach(b::header);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> admin(String method, String path, String body) throws Exception {
        return send(method, path, basic(ROOT_KEY, ROOT_SECRET), body);
    }

    private HttpResponse<String> send(String method, String path, String authorization, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(micro.uri(path)).timeout(Duration.ofSeconds(15))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private static JsonObject json(HttpResponse<String> r) {
        assertNotNull(r.body());
        return Json.createReader(new StringReader(r.body())).readObject();
    }

    private static String error(HttpResponse<String> r, int status) {
        assertEquals(status, r.statusCode(), r.body());
        JsonObject o = json(r);
        assertTrue(o.containsKey("message") && o.get("message").getValueType() == JsonValue.ValueType.STRING, r.body());
        return o.getString("code");
    }

}
