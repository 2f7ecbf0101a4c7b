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

import io.needlestack.core.internal.ClusterSecret;
import io.needlestack.core.internal.InternalAuth;
import jakarta.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.retry.RetryPolicy;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.Bucket;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The LeoFS user and bucket verbs of {@code needlestack-adm} on one real all-in-one node:
 * {@code import-user} with a fixed AWS-style key pair, which an AWS SDK client then signs S3
 * requests with (CreateBucket, PutObject, GetObject); {@code update-user-role} to admin lets that
 * key use the admin API, back to user (by the user itself) refuses it with 403 on the very next
 * request; {@code chown-bucket} moves a bucket so that its old owner gets AccessDenied and the new
 * one lists and reads it at once, and {@code get-bucket} shows the new owner with the creation
 * time kept; {@code delete-bucket} refuses a bucket holding an object (nothing changes, its open
 * multipart upload survives) and deletes it once empty (HeadBucket 404 at once, the upload was
 * aborted: a bucket made again under that name has none). The gateway's near cache of account
 * records is set to 600 s, far beyond the test, so every "at once" is the manager's
 * invalidation. Every refusal is checked with its code through the CLI (exit 1) and with its
 * status through the admin API, and nothing changed after it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AdminVerbsIT {

    // AWS's documented example pair: the shapes of real AWS keys.
    private static final String KEY = "AKIAIOSFODNN7EXAMPLE";
    private static final String SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    private static final String USER = "migrant";
    private static final String BUCKET = "migrant-data";
    private static final byte[] CONTENT = "moved from another S3 store".getBytes(StandardCharsets.UTF_8);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private NodeProcess node;
    private String heirKey;
    private String heirSecret;
    private String createdBefore;

    @BeforeAll
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void up() {
        assumeTrue(NodeProcess.adapterPresent(), "needle-rar has no adapter implementation yet");
        node = NodeProcess.builder("adminverbs")
                .javaOpts("-XX:TieredStopAtLevel=1 -Dneedlestack.account.cache.local.seconds=600").start();
    }

    @AfterAll
    void down() throws Exception {
        if (node != null) {
            node.stop();
            NodeProcess.deleteTree(node.dataDir());
        }
    }

    @Test
    @Order(1)
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void importedKeyPairSignsS3RequestsAtOnce() throws Exception {
        LocalCluster.Result imported = adm("import-user", USER, KEY, SECRET, "--name", "Migrated \"User\"");
        assertEquals(0, imported.exit(), imported.output());
        assertTrue(imported.output().contains("user " + USER + " (user) imported with access key " + KEY),
                imported.output());
        assertFalse(imported.output().contains(SECRET), "the secret is not printed back: " + imported.output());

        JsonObject user = user(USER);
        assertEquals("user", user.getString("role"));
        assertEquals("Migrated \"User\"", user.getString("displayName"));
        assertEquals(List.of(KEY), user.getJsonArray("accessKeys").getValuesAs(JsonObject.class).stream()
                .map(k -> k.getString("accessKey")).toList());

        try (S3Client s3 = s3(KEY, SECRET)) {
            s3.createBucket(b -> b.bucket(BUCKET));
            s3.putObject(b -> b.bucket(BUCKET).key("doc.txt"), RequestBody.fromBytes(CONTENT));
            assertArrayEquals(CONTENT, s3.getObjectAsBytes(b -> b.bucket(BUCKET).key("doc.txt")).asByteArray());
            assertEquals(List.of(BUCKET), s3.listBuckets().buckets().stream().map(Bucket::name).toList());
        }
        try (S3Client wrong = s3(KEY, SECRET.replace('w', 'x'))) {
            assertS3(403, null, () -> wrong.listBuckets());
        }

        // --json: the API's answer, without the secret.
        LocalCluster.Result json = adm("--json", "import-user", "second", "LEOFS0123456789ABCDEF", "another-secret-0001",
                "--role", "admin");
        assertEquals(0, json.exit(), json.output());
        JsonObject answer = json(json.output());
        assertEquals("admin", answer.getJsonObject("user").getString("role"));
        assertEquals("LEOFS0123456789ABCDEF", answer.getJsonObject("key").getString("accessKey"));
        assertFalse(answer.getJsonObject("key").containsKey("secretKey"), json.output());
        ok(adm("delete-user", "second"));
    }

    @Test
    @Order(2)
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void importRefusalsChangeNothing() throws Exception {
        assertNotNull(user(USER), "the import test ran first");
        String users = ok(adm("--json", "get-users"));

        refused(409, "AccessKeyInUse", "POST", "users", importBody("copycat", KEY, "some-other-secret"),
                "import-user", "copycat", KEY, "some-other-secret");
        refused(409, "AccessKeyInUse", "POST", "users", importBody("copycat", node.accessKey(), "some-other-secret"),
                "import-user", "copycat", node.accessKey(), "some-other-secret");
        refused(409, "UserAlreadyExists", "POST", "users", importBody(USER, "AKIAUNUSEDKEY0000001", SECRET),
                "import-user", USER, "AKIAUNUSEDKEY0000001", SECRET);
        refused(400, "MalformedAccessKeyId", "POST", "users", importBody("copycat", "ab", SECRET),
                "import-user", "copycat", "ab", SECRET);
        refused(400, "MalformedAccessKeyId", "POST", "users", importBody("copycat", "K".repeat(129), SECRET),
                "import-user", "copycat", "K".repeat(129), SECRET);
        refused(400, "InvalidSecretKey", "POST", "users", importBody("copycat", "AKIAUNUSEDKEY0000001", "short"),
                "import-user", "copycat", "AKIAUNUSEDKEY0000001", "short");
        refused(400, "InvalidSecretKey", "POST", "users",
                importBody("copycat", "AKIAUNUSEDKEY0000001", "has a blank inside"),
                "import-user", "copycat", "AKIAUNUSEDKEY0000001", "has a blank inside");
        refused(400, "InvalidUserId", "POST", "users", importBody("Copycat", "AKIAUNUSEDKEY0000001", SECRET),
                "import-user", "Copycat", "AKIAUNUSEDKEY0000001", SECRET);
        // The API alone: a key without its secret.
        assertStatus(400, "InvalidArgument", api("POST", "users",
                "{\"id\":\"copycat\",\"accessKey\":\"AKIAUNUSEDKEY0000001\"}"));

        // The CLI's own checks: usage errors, exit 2, nothing sent.
        for (String[] usage : new String[][] {
                {"import-user", "copycat", "AKIAUNUSEDKEY0000001"},
                {"import-user", "copycat", "AKIA/SLASH", SECRET},
                {"import-user", "copycat", "AKIAUNUSEDKEY0000001", SECRET, "--role", "owner"},
                {"import-user", "copycat", "AKIAUNUSEDKEY0000001", SECRET, "--colour", "red"}}) {
            LocalCluster.Result r = adm(usage);
            assertEquals(2, r.exit(), String.join(" ", usage) + ": " + r.output());
        }
        assertEquals(users, ok(adm("--json", "get-users")), "no refused import left anything");
    }

    @Test
    @Order(3)
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void roleChangesHoldFromTheNextAdminRequest() throws Exception {
        assertNotNull(user(USER), "the import test ran first");
        LocalCluster.Result asUser = admAs(KEY, SECRET, "get-users");
        assertEquals(1, asUser.exit(), asUser.output());
        assertTrue(asUser.output().contains("needlestack-adm: error AccessDenied:"), asUser.output());

        LocalCluster.Result promoted = adm("update-user-role", USER, "admin");
        assertEquals(0, promoted.exit(), promoted.output());
        assertTrue(promoted.output().contains("user " + USER + ": role admin (was user)"), promoted.output());
        LocalCluster.Result asAdmin = admAs(KEY, SECRET, "get-users");
        assertEquals(0, asAdmin.exit(), asAdmin.output());
        assertTrue(asAdmin.output().contains(USER), asAdmin.output());
        assertTrue(admAs(KEY, SECRET, "update-user-role", USER, "admin").output().contains("(unchanged)"));

        // The user demotes itself: allowed (root stays an admin), and its very next request is refused.
        JsonObject demoted = json(ok(admAs(KEY, SECRET, "--json", "update-user-role", USER, "user")));
        assertEquals("user", demoted.getJsonObject("user").getString("role"));
        assertEquals("admin", demoted.getString("previousRole"));
        assertTrue(demoted.getBoolean("changed"));
        LocalCluster.Result refused = admAs(KEY, SECRET, "get-users");
        assertEquals(1, refused.exit(), refused.output());
        assertTrue(refused.output().contains("needlestack-adm: error AccessDenied:"), refused.output());
        assertStatus(403, "AccessDenied", api(KEY, SECRET, "GET", "users", null));
        // S3 does not depend on the role.
        try (S3Client s3 = s3(KEY, SECRET)) {
            assertArrayEquals(CONTENT, s3.getObjectAsBytes(b -> b.bucket(BUCKET).key("doc.txt")).asByteArray());
        }

        String users = ok(adm("--json", "get-users"));
        refused(409, "CannotChangeRootRole", "PUT", "users/root/role", "{\"role\":\"user\"}",
                "update-user-role", "root", "user");
        refused(404, "NoSuchUser", "PUT", "users/nobody/role", "{\"role\":\"admin\"}",
                "update-user-role", "nobody", "admin");
        assertStatus(400, "InvalidArgument", api("PUT", "users/" + USER + "/role", "{\"role\":\"owner\"}"));
        assertEquals(2, adm("update-user-role", USER, "owner").exit());
        assertEquals(users, ok(adm("--json", "get-users")), "no refused role change left anything");
        assertTrue(adm("update-user-role", "root", "admin").output().contains("(unchanged)"));
    }

    @Test
    @Order(4)
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void chownMovesS3AccessAtOnce() throws Exception {
        assertNotNull(user(USER), "the import test ran first");
        JsonObject created = json(ok(adm("--json", "create-user", "heir"))).getJsonObject("key");
        heirKey = created.getString("accessKey");
        heirSecret = created.getString("secretKey");
        createdBefore = json(ok(adm("--json", "get-bucket", BUCKET))).getString("created");

        try (S3Client owner = s3(KEY, SECRET); S3Client heir = s3(heirKey, heirSecret)) {
            // Both read the bucket's record right before the change: each gateway has it cached.
            assertEquals(List.of("doc.txt"), keys(owner));
            assertS3(403, "AccessDenied", () -> heir.listObjectsV2(b -> b.bucket(BUCKET)));

            LocalCluster.Result chown = adm("chown-bucket", BUCKET, "heir");
            assertEquals(0, chown.exit(), chown.output());
            assertTrue(chown.output().contains("bucket " + BUCKET + ": owner heir (was " + USER + ")"), chown.output());

            assertS3(403, "AccessDenied", () -> owner.listObjectsV2(b -> b.bucket(BUCKET)));
            assertS3(403, "AccessDenied", () -> owner.getObjectAsBytes(b -> b.bucket(BUCKET).key("doc.txt")));
            assertEquals(List.of(), owner.listBuckets().buckets());
            assertEquals(List.of("doc.txt"), keys(heir));
            assertArrayEquals(CONTENT, heir.getObjectAsBytes(b -> b.bucket(BUCKET).key("doc.txt")).asByteArray());
            assertEquals(List.of(BUCKET), heir.listBuckets().buckets().stream().map(Bucket::name).toList());
        }

        LocalCluster.Result table = adm("get-bucket", BUCKET);
        assertEquals(0, table.exit(), table.output());
        assertTrue(table.output().contains(BUCKET + " owner heir region us-east-1 created " + createdBefore),
                table.output());
        JsonObject record = json(ok(adm("--json", "get-bucket", BUCKET)));
        assertEquals("heir", record.getString("owner"));
        assertEquals("us-east-1", record.getString("region"));
        assertEquals(createdBefore, record.getString("created"), "the creation time is the bucket's, kept");
        assertEquals(Set.of("name", "owner", "region", "created"), record.keySet());
        assertTrue(adm("chown-bucket", BUCKET, "heir").output().contains("(unchanged)"));
        JsonObject again = json(ok(adm("--json", "chown-bucket", BUCKET, "heir")));
        assertFalse(again.getBoolean("changed"));
        assertEquals("heir", again.getString("previousOwner"));

        // The records agree: the new owner cannot be deleted, the old one can.
        LocalCluster.Result heirDelete = adm("delete-user", "heir");
        assertEquals(1, heirDelete.exit(), heirDelete.output());
        assertTrue(heirDelete.output().contains("error UserOwnsBuckets"), heirDelete.output());

        String buckets = ok(adm("--json", "get-buckets"));
        refused(404, "NoSuchBucket", "PUT", "buckets/no-such-bucket/owner", "{\"owner\":\"heir\"}",
                "chown-bucket", "no-such-bucket", "heir");
        refused(404, "NoSuchUser", "PUT", "buckets/" + BUCKET + "/owner", "{\"owner\":\"nobody\"}",
                "chown-bucket", BUCKET, "nobody");
        refused(404, "NoSuchBucket", "GET", "buckets/no-such-bucket", null, "get-bucket", "no-such-bucket");
        assertStatus(400, "InvalidArgument", api("PUT", "buckets/" + BUCKET + "/owner", "{}"));
        assertEquals(2, adm("chown-bucket", BUCKET).exit());
        assertEquals(buckets, ok(adm("--json", "get-buckets")), "no refused chown left anything");
    }

    @Test
    @Order(5)
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void deleteBucketTakesOnlyAnEmptyBucket() throws Exception {
        assertNotNull(heirKey, "the chown test ran first");
        try (S3Client heir = s3(heirKey, heirSecret)) {
            String uploadId = heir.createMultipartUpload(b -> b.bucket(BUCKET).key("big.bin")).uploadId();
            heir.uploadPart(b -> b.bucket(BUCKET).key("big.bin").uploadId(uploadId).partNumber(1),
                    RequestBody.fromBytes(CONTENT));
            String record = ok(adm("--json", "get-bucket", BUCKET));

            refused(409, "BucketNotEmpty", "DELETE", "buckets/" + BUCKET, null, "delete-bucket", BUCKET);
            assertEquals(record, ok(adm("--json", "get-bucket", BUCKET)), "the refused bucket is as it was");
            assertArrayEquals(CONTENT, heir.getObjectAsBytes(b -> b.bucket(BUCKET).key("doc.txt")).asByteArray());
            assertEquals(List.of(uploadId), uploads(heir), "a refused deletion aborts nothing");

            heir.deleteObject(b -> b.bucket(BUCKET).key("doc.txt"));
            LocalCluster.Result deleted = adm("delete-bucket", BUCKET);
            assertEquals(0, deleted.exit(), deleted.output());
            assertEquals("bucket " + BUCKET + " deleted", deleted.output().trim());

            assertS3(404, null, () -> heir.headBucket(b -> b.bucket(BUCKET)));
            assertS3(404, "NoSuchBucket", () -> heir.listObjectsV2(b -> b.bucket(BUCKET)));
            assertEquals(List.of(), heir.listBuckets().buckets());
            refused(404, "NoSuchBucket", "GET", "buckets/" + BUCKET, null, "get-bucket", BUCKET);
            refused(404, "NoSuchBucket", "DELETE", "buckets/" + BUCKET, null, "delete-bucket", BUCKET);

            // The open upload went with the bucket: a bucket made again under the name has none.
            heir.createBucket(b -> b.bucket(BUCKET));
            assertEquals(List.of(), uploads(heir));
            assertEquals(List.of(), keys(heir));
        }

        // A bucket that never held anything, through --json.
        ok(adm("add-bucket", "empty-one", "heir"));
        assertEquals("{}", ok(adm("--json", "delete-bucket", "empty-one")).trim());
        try (S3Client root = node.s3Client()) {
            assertS3(404, null, () -> root.headBucket(b -> b.bucket("empty-one")));
        }
        assertEquals(2, adm("delete-bucket").exit());
        assertEquals(2, adm("delete-bucket", "Not_A_Bucket").exit());
    }

    @Test
    @Order(6)
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void theNodesEmptinessCheckIsInternalOnly() throws Exception {
        assertNotNull(node, "the node runs");
        String target = "/_internal/v1/bucket/prepare-delete?bucket="
                + Base64.getUrlEncoder().withoutPadding().encodeToString("Not_A_Bucket".getBytes(StandardCharsets.UTF_8));
        HttpRequest.Builder signed = HttpRequest.newBuilder(node.internalEndpoint().resolve(target))
                .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.noBody());
        new InternalAuth(ClusterSecret.load(node.dataDir())).sign("POST", target).forEach(signed::header);
        HttpResponse<String> bad = http.send(signed.build(), HttpResponse.BodyHandlers.ofString());
        assertStatus(400, "BadRequest", bad);
        HttpResponse<String> unsigned = http.send(HttpRequest.newBuilder(node.internalEndpoint().resolve(target))
                .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(403, unsigned.statusCode(), unsigned.body());
        HttpResponse<String> onS3Port = http.send(HttpRequest.newBuilder(node.endpoint().resolve(target))
                .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(404, onS3Port.statusCode(), onS3Port.body());
    }

    // ---- helpers --------------------------------------------------------------------------------

    /**
     * A refusal seen both ways: the admin API answers {@code status} and {@code code}, and the CLI
     * exits 1 with {@code needlestack-adm: error CODE:} (and the same code with {@code --json}).
     */
    private void refused(int status, String code, String method, String path, String body, String... cli)
            throws Exception {
        assertStatus(status, code, api(method, path, body));
        LocalCluster.Result r = adm(cli);
        assertEquals(1, r.exit(), String.join(" ", cli) + ": " + r.output());
        assertTrue(r.output().contains("needlestack-adm: error " + code + ":"), r.output());
        String[] json = new String[cli.length + 1];
        json[0] = "--json";
        System.arraycopy(cli, 0, json, 1, cli.length);
        LocalCluster.Result j = adm(json);
        assertEquals(1, j.exit(), j.output());
        assertEquals(code, json(j.output()).getString("code"), j.output());
    }

    private static String importBody(String id, String key, String secret) {
        return jakarta.json.Json.createObjectBuilder().add("id", id).add("accessKey", key).add("secretKey", secret)
                .build().toString();
    }

    private JsonObject user(String id) throws Exception {
        return json(ok(adm("--json", "get-users"))).getJsonArray("users").getValuesAs(JsonObject.class).stream()
                .filter(u -> u.getString("id").equals(id)).findFirst().orElse(null);
    }

    private static List<String> keys(S3Client s3) {
        return s3.listObjectsV2(b -> b.bucket(BUCKET)).contents().stream().map(S3Object::key).toList();
    }

    private static List<String> uploads(S3Client s3) {
        return s3.listMultipartUploads(b -> b.bucket(BUCKET)).uploads().stream().map(MultipartUpload::uploadId)
                .toList();
    }

    private static void assertS3(int status, String code, Executable call) {
        S3Exception e = assertThrows(S3Exception.class, call);
        assertEquals(status, e.statusCode(), e.getMessage());
        if (code != null) {
            assertEquals(code, e.awsErrorDetails().errorCode(), e.getMessage());
        }
    }

    private static void assertStatus(int status, String code, HttpResponse<String> r) {
        assertEquals(status, r.statusCode(), r.body());
        assertEquals(code, json(r.body()).getString("code"), r.body());
    }

    private HttpResponse<String> api(String method, String path, String body) throws Exception {
        return api(node.accessKey(), node.secretKey(), method, path, body);
    }

    private HttpResponse<String> api(String accessKey, String secretKey, String method, String path, String body)
            throws Exception {
        return http.send(HttpRequest.newBuilder(node.endpoint().resolve("/_admin/api/" + path))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                        (accessKey + ":" + secretKey).getBytes(StandardCharsets.UTF_8)))
                .header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(120))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private S3Client s3(String accessKey, String secretKey) {
        return S3Client.builder().endpointOverride(URI.create(node.endpoint().toString()))
                .region(Region.US_EAST_1).forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secretKey)))
                .overrideConfiguration(ClientOverrideConfiguration.builder().retryPolicy(RetryPolicy.none())
                        .apiCallTimeout(Duration.ofSeconds(60)).build())
                .httpClientBuilder(ApacheHttpClient.builder()).build();
    }

    private LocalCluster.Result adm(String... args) throws Exception {
        return LocalCluster.adm(node.endpoint().toString(), node.dataDir(), args);
    }

    /** adm with another user's key pair instead of root's. */
    private LocalCluster.Result admAs(String accessKey, String secretKey, String... args) throws Exception {
        String[] all = new String[args.length + 4];
        all[0] = "--access-key";
        all[1] = accessKey;
        all[2] = "--secret-key";
        all[3] = secretKey;
        System.arraycopy(args, 0, all, 4, args.length);
        return LocalCluster.adm(node.endpoint().toString(), node.dataDir(), all);
    }
}
