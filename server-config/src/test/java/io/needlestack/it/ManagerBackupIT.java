package io.needlestack.it;

import static io.needlestack.it.LocalCluster.json;
import static io.needlestack.it.LocalCluster.ok;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
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
import software.amazon.awssdk.services.s3.model.Bucket;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * {@code needlestack-adm backup} and {@code restore} between two real all-in-one nodes, one after
 * the other: on the first, users, access keys and buckets are made (through adm and through S3)
 * and an object is put; {@code backup FILE} writes them with mode 600 (the API answers a user's
 * key with 403 and root with {@code Cache-Control: no-store}). The first node stops and a
 * second, fresh one (own data directory, own root credentials) takes {@code restore FILE}: the
 * restored users' keys sign S3 requests there at once (ListBuckets, CreateBucket, PutObject,
 * GetObject), an admin's key works on the admin API, buckets have the same owners, regions and
 * creation times, and the first node's root key does not (root is the node's own). Restoring
 * again without a mode is refused with {@code ManagerNotEmpty} (exit 1) and changes nothing,
 * {@code --merge} skips everything, malformed files are refused whole (one that would add a user
 * besides a dangling bucket adds nothing), a {@code --replace} by an admin the backup lacks is
 * refused ({@code WouldLockOutCaller}), and a {@code --replace} by root removes what the backup
 * lacks, including an access key the gateway had just accepted, which it refuses right after
 * (near-cache TTL set far beyond the test: only the restore's invalidation can do it).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ManagerBackupIT {

    private static final byte[] CONTENT = "backed-up manager, not data".getBytes(StandardCharsets.UTF_8);

    private NodeProcess first;
    private NodeProcess second;
    private Path dir;
    private Path file;

    /** Access key to secret key of the users made on the first node. */
    private final Map<String, String> secrets = new TreeMap<>();
    private String aliceKey;
    private String opsKey;
    private String firstRootKey;
    private String firstRootSecret;
    /** The first node's buckets: name to "owner region created". */
    private Map<String, String> bucketsBefore;

    @BeforeAll
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void up() throws Exception {
        assumeTrue(NodeProcess.adapterPresent(), "needle-rar has no adapter implementation yet");
        first = NodeProcess.builder("backup-a").start();
        dir = NodeProcess.workDirectory().resolve("backup-files-" + first.port());
        Files.createDirectories(dir);
        file = dir.resolve("manager.json");
    }

    @AfterAll
    void down() throws Exception {
        for (NodeProcess n : new NodeProcess[] {first, second}) {
            if (n != null) {
                n.stop();
                NodeProcess.deleteTree(n.dataDir());
            }
        }
        if (dir != null) {
            NodeProcess.deleteTree(dir);
        }
    }

    @Test
    @Order(1)
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void backupWritesEverythingWithMode600() throws Exception {
        aliceKey = createUser(first, "alice", "user");
        opsKey = createUser(first, "ops", "admin");
        JsonObject extra = json(ok(adm(first, "--json", "add-access-key", "alice")));
        secrets.put(extra.getString("accessKey"), extra.getString("secretKey"));
        ok(adm(first, "add-bucket", "alice-photos", "alice"));
        ok(adm(first, "add-bucket", "ops-logs", "ops"));
        try (S3Client alice = s3(first, aliceKey)) {
            alice.createBucket(b -> b.bucket("alice-docs"));
            alice.putObject(b -> b.bucket("alice-docs").key("note.txt"), RequestBody.fromBytes(CONTENT));
            assertArrayEquals(CONTENT, alice.getObjectAsBytes(b -> b.bucket("alice-docs").key("note.txt")).asByteArray());
        }
        bucketsBefore = buckets(first);
        assertEquals(Set.of("alice-docs", "alice-photos", "ops-logs"), bucketsBefore.keySet());
        firstRootKey = first.accessKey();
        firstRootSecret = first.secretKey();

        // An older, world-readable file of that name is replaced, not written into.
        Files.writeString(file, "old");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        LocalCluster.Result backup = adm(first, "backup", file.toString());
        assertEquals(0, backup.exit(), backup.output());
        assertTrue(backup.output().contains("3 users, 4 access keys, 3 buckets"), backup.output());
        assertEquals(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE),
                Files.getPosixFilePermissions(file));
        try (var siblings = Files.list(dir)) {
            assertEquals(List.of(file), siblings.toList(), "no temporary file left beside the backup");
        }

        JsonObject doc = json(Files.readString(file));
        assertEquals("needlestack-manager-backup", doc.getString("format"));
        assertEquals(1, doc.getInt("version"));
        Map<String, String> roles = new TreeMap<>();
        doc.getJsonArray("users").getValuesAs(JsonObject.class).forEach(u -> roles.put(u.getString("id"), u.getString("role")));
        assertEquals(Map.of("root", "admin", "alice", "user", "ops", "admin"), roles);
        Map<String, String> fileSecrets = new TreeMap<>();
        doc.getJsonArray("accessKeys").getValuesAs(JsonObject.class)
                .forEach(k -> fileSecrets.put(k.getString("accessKey"), k.getString("secretKey")));
        secrets.forEach((k, s) -> assertEquals(s, fileSecrets.get(k), "secret of " + k + " in the backup"));
        assertEquals(firstRootSecret, fileSecrets.get(firstRootKey));
        assertEquals(1, doc.getJsonObject("cluster").getJsonObject("consistency").getInt("n"));

        // The document holds every secret: admins only, and not to be cached on the way.
        HttpResponse<String> asUser = get(first, "/_admin/api/backup", aliceKey, secrets.get(aliceKey));
        assertEquals(403, asUser.statusCode(), asUser.body());
        assertTrue(asUser.body().contains("\"AccessDenied\""), asUser.body());
        assertEquals(401, get(first, "/_admin/api/backup", firstRootKey, "wrong-secret").statusCode());
        HttpResponse<String> asRoot = get(first, "/_admin/api/backup", firstRootKey, firstRootSecret);
        assertEquals(200, asRoot.statusCode(), asRoot.body());
        assertEquals("no-store", asRoot.headers().firstValue("Cache-Control").orElse(""));

        LocalCluster.Result json = adm(first, "--json", "backup", dir.resolve("again.json").toString());
        assertEquals(0, json.exit(), json.output());
        assertEquals(3, json(json.output()).getInt("buckets"), json.output());
        Files.delete(dir.resolve("again.json"));

        // One node at a time: the machine running the tests may be small.
        first.stop();
    }

    @Test
    @Order(2)
    @Timeout(value = 6, unit = TimeUnit.MINUTES)
    void restoreIntoAFreshNodeMakesTheKeysWorkThereAtOnce() throws Exception {
        assertNotNull(bucketsBefore, "the backup test ran first");
        second = NodeProcess.builder("backup-b")
                .javaOpts("-XX:TieredStopAtLevel=1 -Dneedlestack.account.cache.local.seconds=600").start();
        assertFalse(second.accessKey().equals(firstRootKey), "each node made its own root key");

        LocalCluster.Result restore = adm(second, "restore", file.toString());
        assertEquals(0, restore.exit(), restore.output());
        assertTrue(restore.output().contains("users        added 2, updated 0, removed 0, skipped 1"), restore.output());
        assertTrue(restore.output().contains("access keys  added 3, updated 0, removed 0, skipped 1"), restore.output());
        assertTrue(restore.output().contains("buckets      added 3, updated 0, removed 0, skipped 0"), restore.output());
        assertTrue(restore.output().contains("N=1 W=1 R=1 D=1"), restore.output());

        assertEquals(bucketsBefore, buckets(second), "same buckets, owners, regions and creation times");
        try (S3Client alice = s3(second, aliceKey)) {
            assertEquals(Set.of("alice-docs", "alice-photos"),
                    Set.copyOf(alice.listBuckets().buckets().stream().map(Bucket::name).toList()));
            alice.createBucket(b -> b.bucket("alice-new"));
            alice.putObject(b -> b.bucket("alice-new").key("k"), RequestBody.fromBytes(CONTENT));
            assertArrayEquals(CONTENT, alice.getObjectAsBytes(b -> b.bucket("alice-new").key("k")).asByteArray());
        }
        String aliceSecondKey = secrets.keySet().stream().filter(k -> !k.equals(aliceKey) && !k.equals(opsKey))
                .findFirst().orElseThrow();
        try (S3Client alice2 = s3(second, aliceSecondKey)) {
            alice2.putObject(b -> b.bucket("alice-photos").key("p"), RequestBody.fromBytes(CONTENT));
        }
        // The restored admin administers; the first node's root does not (root is each node's own).
        LocalCluster.Result asOps = LocalCluster.adm(second.endpoint().toString(), second.dataDir(),
                "--access-key", opsKey, "--secret-key", secrets.get(opsKey), "get-users");
        assertEquals(0, asOps.exit(), asOps.output());
        assertTrue(asOps.output().contains("alice"), asOps.output());
        LocalCluster.Result asOldRoot = LocalCluster.adm(second.endpoint().toString(), second.dataDir(),
                "--access-key", firstRootKey, "--secret-key", firstRootSecret, "get-users");
        assertEquals(1, asOldRoot.exit(), asOldRoot.output());
        assertTrue(asOldRoot.output().contains("error Unauthorized"), asOldRoot.output());
    }

    @Test
    @Order(3)
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void restoreWithoutModeIntoAManagerInUseIsRefusedAndChangesNothing() throws Exception {
        assertNotNull(second, "the restore test ran first");
        String users = ok(adm(second, "--json", "get-users"));
        Map<String, String> buckets = buckets(second);

        LocalCluster.Result again = adm(second, "restore", file.toString());
        assertEquals(1, again.exit(), again.output());
        assertTrue(again.output().contains("needlestack-adm: error ManagerNotEmpty:"), again.output());
        LocalCluster.Result raw = adm(second, "--json", "restore", file.toString());
        assertEquals(1, raw.exit(), raw.output());
        assertEquals("ManagerNotEmpty", json(raw.output()).getString("code"), raw.output());

        assertEquals(users, ok(adm(second, "--json", "get-users")));
        assertEquals(buckets, buckets(second));
    }

    @Test
    @Order(4)
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void mergeOfTheSameBackupSkipsEverything() throws Exception {
        assertNotNull(second, "the restore test ran first");
        String users = ok(adm(second, "--json", "get-users"));
        JsonObject r = json(ok(adm(second, "--json", "restore", file.toString(), "--merge")));
        assertEquals("merge", r.getString("mode"));
        assertEquals(counts(0, 0, 0, 3), r.getJsonObject("users"));
        assertEquals(counts(0, 0, 0, 4), r.getJsonObject("accessKeys"));
        assertEquals(counts(0, 0, 0, 3), r.getJsonObject("buckets"));
        assertEquals(0, r.getInt("conflictCount"));
        assertEquals(users, ok(adm(second, "--json", "get-users")));
        assertTrue(buckets(second).containsKey("alice-new"), "merge removes nothing");
    }

    @Test
    @Order(5)
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void malformedFilesAreRefusedWhole() throws Exception {
        assertNotNull(second, "the restore test ran first");
        String users = ok(adm(second, "--json", "get-users"));
        Map<String, String> buckets = buckets(second);
        JsonObject doc = json(Files.readString(file));

        Path notJson = dir.resolve("not-json.json");
        Files.writeString(notJson, "{\"format\":\"needlestack-manager-backup\",");
        // Valid JSON: a new user who would be added, and a bucket whose owner is missing.
        Path dangling = dir.resolve("dangling.json");
        Files.writeString(dangling, Json.createObjectBuilder(doc)
                .add("users", Json.createArrayBuilder(doc.getJsonArray("users")).add(Json.createObjectBuilder()
                        .add("id", "mallory").add("displayName", "mallory").add("role", "user").add("active", true)
                        .add("created", "2026-01-01T00:00:00Z")))
                .add("buckets", Json.createArrayBuilder(doc.getJsonArray("buckets")).add(Json.createObjectBuilder()
                        .add("name", "orphan-bucket").add("owner", "nobody").add("region", "us-east-1")
                        .add("created", "2026-01-01T00:00:00Z")))
                .build().toString());
        Path future = dir.resolve("future.json");
        Files.writeString(future, Json.createObjectBuilder(doc).add("version", 2).build().toString());

        for (Object[] c : new Object[][] {
                {notJson, "InvalidBackup"}, {dangling, "InvalidBackup"}, {future, "UnsupportedBackupVersion"}}) {
            for (String mode : new String[] {"--merge", "--replace"}) {
                LocalCluster.Result r = adm(second, "restore", c[0].toString(), mode);
                assertEquals(1, r.exit(), r.output());
                assertTrue(r.output().contains("needlestack-adm: error " + c[1] + ":"), r.output());
            }
        }
        LocalCluster.Result r = adm(second, "restore", dangling.toString(), "--merge");
        assertTrue(r.output().contains("orphan-bucket is owned by user nobody, who is not in the backup"), r.output());
        LocalCluster.Result usage = adm(second, "restore", file.toString(), "--wipe");
        assertEquals(2, usage.exit(), usage.output());
        LocalCluster.Result missing = adm(second, "restore", dir.resolve("absent.json").toString());
        assertEquals(2, missing.exit(), missing.output());

        assertEquals(users, ok(adm(second, "--json", "get-users")));
        assertEquals(buckets, buckets(second));
    }

    @Test
    @Order(6)
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void replaceRemovesWhatTheBackupLacksAndTheGatewayForgetsItAtOnce() throws Exception {
        assertNotNull(second, "the restore test ran first");
        // An admin the backup does not know may not replace: it would lock itself out.
        String tmpKey = createUser(second, "tmp-admin", "admin");
        LocalCluster.Result refused = LocalCluster.adm(second.endpoint().toString(), second.dataDir(),
                "--access-key", tmpKey, "--secret-key", secrets.get(tmpKey), "restore", file.toString(), "--replace");
        assertEquals(1, refused.exit(), refused.output());
        assertTrue(refused.output().contains("error WouldLockOutCaller"), refused.output());

        // A key made after the backup, used (so cached by the gateway) just before the replace.
        JsonObject added = json(ok(adm(second, "--json", "add-access-key", "alice")));
        String lateKey = added.getString("accessKey");
        secrets.put(lateKey, added.getString("secretKey"));
        try (S3Client late = s3(second, lateKey)) {
            assertFalse(late.listBuckets().buckets().isEmpty());
        }

        JsonObject r = json(ok(adm(second, "--json", "restore", file.toString(), "--replace")));
        assertEquals(counts(0, 0, 1, 3), r.getJsonObject("users")); // tmp-admin removed
        assertEquals(counts(0, 0, 2, 4), r.getJsonObject("accessKeys")); // tmp-admin's and the late key
        assertEquals(counts(0, 0, 1, 3), r.getJsonObject("buckets")); // alice-new
        assertEquals(bucketsBefore, buckets(second));

        try (S3Client late = s3(second, lateKey)) {
            S3Exception e = assertThrows(S3Exception.class, late::listBuckets);
            assertEquals(403, e.statusCode(), e.getMessage());
        }
        try (S3Client alice = s3(second, aliceKey)) {
            assertEquals(Set.of("alice-docs", "alice-photos"),
                    Set.copyOf(alice.listBuckets().buckets().stream().map(Bucket::name).toList()));
        }
        // Root's own key was kept.
        ok(adm(second, "status"));
    }

    @Test
    @Order(7)
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void replaceUpdatesWhatDiffersAndTheUpdatesSurviveARestart() throws Exception {
        assertNotNull(second, "the restore test ran first");
        ok(adm(second, "update-user-role", "alice", "admin"));
        ok(adm(second, "chown-bucket", "alice-photos", "ops"));
        JsonObject r = json(ok(adm(second, "--json", "restore", file.toString(), "--replace")));
        assertEquals(1, r.getJsonObject("users").getInt("updated"), r.toString());
        assertEquals(1, r.getJsonObject("buckets").getInt("updated"), r.toString());
        // Read back after a restart: what the database holds, not what the provider keeps in memory.
        second.stop();
        second.start();
        Map<String, String> roles = new TreeMap<>();
        json(ok(adm(second, "--json", "get-users"))).getJsonArray("users").getValuesAs(JsonObject.class)
                .forEach(u -> roles.put(u.getString("id"), u.getString("role")));
        assertEquals("user", roles.get("alice"), roles.toString());
        assertEquals(bucketsBefore, buckets(second));
    }

    // ---- helpers --------------------------------------------------------------------------------

    /** Creates a user through adm; returns its access key (the secret goes to {@link #secrets}). */
    private String createUser(NodeProcess node, String id, String role) throws Exception {
        JsonObject key = json(ok(adm(node, "--json", "create-user", id, role))).getJsonObject("key");
        secrets.put(key.getString("accessKey"), key.getString("secretKey"));
        return key.getString("accessKey");
    }

    /** Every bucket of the node: name to "owner region created". */
    private static Map<String, String> buckets(NodeProcess node) throws Exception {
        Map<String, String> out = new TreeMap<>();
        json(ok(adm(node, "--json", "get-buckets"))).getJsonArray("buckets").getValuesAs(JsonObject.class)
                .forEach(b -> out.put(b.getString("name"),
                        b.getString("owner") + " " + b.getString("region") + " " + b.getString("created")));
        return out;
    }

    private static JsonObject counts(int added, int updated, int removed, int skipped) {
        return Json.createObjectBuilder().add("added", added).add("updated", updated).add("removed", removed)
                .add("skipped", skipped).build();
    }

    private S3Client s3(NodeProcess node, String accessKey) {
        return S3Client.builder().endpointOverride(URI.create(node.endpoint().toString()))
                .region(Region.US_EAST_1).forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey,
                        secrets.get(accessKey))))
                .overrideConfiguration(ClientOverrideConfiguration.builder().retryPolicy(RetryPolicy.none())
                        .apiCallTimeout(Duration.ofSeconds(60)).build())
                .httpClientBuilder(ApacheHttpClient.builder()).build();
    }

    private static HttpResponse<String> get(NodeProcess node, String path, String accessKey, String secretKey)
            throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(node.endpoint().resolve(path))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                        (accessKey + ":" + secretKey).getBytes(StandardCharsets.UTF_8)))
                .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static LocalCluster.Result adm(NodeProcess node, String... args) throws Exception {
        return LocalCluster.adm(node.endpoint().toString(), node.dataDir(), args);
    }
}
