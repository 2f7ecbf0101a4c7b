package io.needlestack.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import org.junit.jupiter.api.Timeout;

/**
 * The EAR packaging on a real Payara Server 6: a fresh domain on free ports, deploy, check that
 * the applications answer, redeploy (the adapter's native library and file locks must be
 * released by the first deployment and taken again by the second), check again, stop.
 *
 * An object stored through S3 before the redeploy must read back byte for byte after it.
 */
class EarOnPayaraServerIT {

    /** Failures in the log that a redeploy must never cause. */
    private static final Pattern REDEPLOY_FAILURE = Pattern.compile(
            "UnsatisfiedLinkError|already loaded in another classloader|LOCK: |lock hold by current process"
                    + "|Resource Adapter not present|Exception while loading the app");

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    @Timeout(value = 12, unit = TimeUnit.MINUTES)
    void deployRedeployAndStop() throws Exception {
        assumeTrue(NodeProcess.adapterPresent(),
                "needle-rar has no adapter implementation yet: the EAR cannot deploy");
        Path ear = Path.of(System.getProperty("needlestack.it.ear", "ear/target/needlestack.ear")).toAbsolutePath();
        assertTrue(Files.isRegularFile(ear), "no EAR at " + ear);
        Path work = NodeProcess.workDirectory().resolve("payara-server");
        Path data = work.resolve("data");
        if (Files.exists(data)) { // a fresh store every run: the test creates its bucket
            try (var files = Files.walk(data)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
        Files.createDirectories(data);
        String accessKey = "EARITROOTKEY00000001";
        String secretKey = "earItRootSecret0000000000000000000000000";
        Files.writeString(data.resolve("root.credentials"), "access_key=" + accessKey + "\nsecret_key=" + secretKey + "\n");
        byte[] body = new byte[256 * 1024 + 3];
        new java.util.Random(7).nextBytes(body);

        try (PayaraServerDomain domain = PayaraServerDomain.create(work.resolve("domains"), "needlestack-it")) {
            copyDomainLibraries(ear, domain.libDirectory());
            domain.start();
            // Read by every application of the node (NodeConfig); live, no restart needed.
            domain.asadmin(60, "create-system-properties", "needlestack.data=" + data.toString().replace(":", "\\:"));
            domain.asadmin(60, "create-system-properties", "needlestack.http.port=" + domain.httpPort());

            domain.asadmin(400, "deploy", "--name", "needlestack", ear.toString());
            assertApplicationsUp(domain);
            try (S3Client s3 = s3(domain.http(), accessKey, secretKey)) {
                s3.createBucket(b -> b.bucket("ear-it"));
                s3.putObject(b -> b.bucket("ear-it").key("dir/object.bin"), RequestBody.fromBytes(body));
                assertArrayEquals(body, s3.getObjectAsBytes(b -> b.bucket("ear-it").key("dir/object.bin")).asByteArray());
            }
            long logBefore = Files.size(domain.serverLog());

            domain.asadmin(400, "redeploy", "--name", "needlestack", ear.toString());
            assertApplicationsUp(domain);
            try (S3Client s3 = s3(domain.http(), accessKey, secretKey)) {
                assertArrayEquals(body, s3.getObjectAsBytes(b -> b.bucket("ear-it").key("dir/object.bin")).asByteArray(),
                        "the object did not survive the redeploy");
            }
            String afterRedeploy = new String(Files.readAllBytes(domain.serverLog()), StandardCharsets.UTF_8)
                    .substring((int) Math.min(logBefore, Files.size(domain.serverLog())));
            assertFalse(REDEPLOY_FAILURE.matcher(afterRedeploy).find(),
                    "the redeploy logged a failure:\n" + PayaraServerDomain.tail(domain.serverLog(), 80));
        }
    }

    /**
     * Payara Server instantiates the class of a {@code <data-source>} declared inside an EAR with a
     * loader that sees neither the WAR nor the EAR's lib/: the manager's data source (and what it
     * loads) goes into the domain's lib/, as an operator would do with {@code asadmin add-library}.
     */
    private static void copyDomainLibraries(Path ear, Path domainLib) throws Exception {
        Files.createDirectories(domainLib);
        try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(ear.toFile())) {
            for (var e : java.util.Collections.list(zip.entries())) {
                String n = e.getName();
                if (n.startsWith("lib/") && n.endsWith(".jar")) {
                    try (var in = zip.getInputStream(e)) {
                        Files.copy(in, domainLib.resolve(n.substring(4)), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                    }
                }
            }
        }
    }

    private void assertApplicationsUp(PayaraServerDomain domain) throws Exception {
        String components = domain.asadmin(60, "list-sub-components", "needlestack");
        for (String module : new String[] {"needle-rar.rar", "storage-ejb.jar", "gateway-war.war", "manager-war.war"}) {
            assertTrue(components.contains(module), module + " is not deployed:\n" + components);
        }
        // The gateway owns the root: Payara's docroot page must not answer there any more.
        HttpResponse<String> root = get(domain.http().resolve("/"));
        assertNotEquals(0, root.statusCode());
        assertFalse(root.body().contains("Payara Server") && root.body().contains("is running"),
                "the default web module still answers at /");
        HttpResponse<String> admin = get(domain.http().resolve("/_admin/"));
        assertNotEquals(0, admin.statusCode());
    }

    private static S3Client s3(URI endpoint, String accessKey, String secretKey) {
        return S3Client.builder().endpointOverride(endpoint).region(Region.US_EAST_1)
                .forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secretKey)))
                .build();
    }

    private HttpResponse<String> get(URI uri) throws Exception {
        return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
