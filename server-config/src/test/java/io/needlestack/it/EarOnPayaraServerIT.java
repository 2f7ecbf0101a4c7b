package io.needlestack.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * The EAR packaging on a real Payara Server 6: a fresh domain on free ports, deploy, check that
 * the applications answer, redeploy (the adapter's native library and file locks must be
 * released by the first deployment and taken again by the second), check again, stop.
 *
 * An object stored through S3 before the redeploy must read back byte for byte after it.
 */
class EarOnPayaraServerIT {

    /** Payara's own words for a failed redeploy, beside {@link EarFixture#REDEPLOY_FAILURE}. */
    private static final Pattern PAYARA_FAILURE = Pattern.compile(
            "Resource Adapter not present|Exception while loading the app");

    /** Jars of the EAR's lib/ that only WildFly needs (see {@link #copyDomainLibraries}). */
    private static final Set<String> WILDFLY_ONLY = Set.of("lib/hazelcast.jar", "lib/cache-api.jar");

    @Test
    @Timeout(value = 12, unit = TimeUnit.MINUTES)
    void deployRedeployAndStop() throws Exception {
        assumeTrue(NodeProcess.adapterPresent(),
                "needle-rar has no adapter implementation yet: the EAR cannot deploy");
        Path ear = EarFixture.ear();
        Path work = NodeProcess.workDirectory().resolve("payara-server");
        Path data = EarFixture.freshData(work);
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
            try (S3Client s3 = EarFixture.s3(domain.http())) {
                s3.createBucket(b -> b.bucket("ear-it"));
                s3.putObject(b -> b.bucket("ear-it").key("dir/object.bin"), RequestBody.fromBytes(body));
                assertArrayEquals(body, s3.getObjectAsBytes(b -> b.bucket("ear-it").key("dir/object.bin")).asByteArray());
                // Conditional writes with Payara Server's Hazelcast locks.
                S3Exception refused = assertThrows(S3Exception.class, () -> s3.putObject(b -> b.bucket("ear-it")
                        .key("dir/object.bin").ifNoneMatch("*"), RequestBody.fromString("second")));
                assertEquals(412, refused.statusCode());
            }
            long logBefore = Files.size(domain.serverLog());

            domain.asadmin(400, "redeploy", "--name", "needlestack", ear.toString());
            assertApplicationsUp(domain);
            try (S3Client s3 = EarFixture.s3(domain.http())) {
                assertArrayEquals(body, s3.getObjectAsBytes(b -> b.bucket("ear-it").key("dir/object.bin")).asByteArray(),
                        "the object did not survive the redeploy");
            }
            String afterRedeploy = EarFixture.logSince(domain.serverLog(), logBefore);
            assertFalse(EarFixture.REDEPLOY_FAILURE.matcher(afterRedeploy).find()
                            || PAYARA_FAILURE.matcher(afterRedeploy).find(),
                    "the redeploy logged a failure:\n" + PayaraServerDomain.tail(domain.serverLog(), 80));
        }
    }

    /**
     * Payara Server instantiates the class of a {@code <data-source>} declared inside an EAR with a
     * loader that sees neither the WAR nor the EAR's lib/: the manager's data source (and what it
     * loads) goes into the domain's lib/, as an operator would do with {@code asadmin add-library}.
     * Hazelcast and the JCache API stay out: they are in lib/ for WildFly only, and in the domain's
     * lib/ they would stand beside Payara's own.
     */
    private static void copyDomainLibraries(Path ear, Path domainLib) throws Exception {
        Files.createDirectories(domainLib);
        try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(ear.toFile())) {
            for (var e : java.util.Collections.list(zip.entries())) {
                String n = e.getName();
                if (n.startsWith("lib/") && n.endsWith(".jar") && !WILDFLY_ONLY.contains(n)) {
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
        HttpResponse<String> root = EarFixture.get(domain.http().resolve("/"));
        assertNotEquals(0, root.statusCode());
        assertFalse(root.body().contains("Payara Server") && root.body().contains("is running"),
                "the default web module still answers at /");
        HttpResponse<String> admin = EarFixture.get(domain.http().resolve("/_admin/"));
        assertNotEquals(0, admin.statusCode());
        // The EAR carries a Hazelcast jar for WildFly; here Payara's own must win, or the node
        // would find no cluster (PlatformServices' lookup answers Payara's instance, whose class
        // would then not be ours) and publish no manager.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        String health = "";
        while (System.nanoTime() < deadline) {
            health = EarFixture.get(domain.http().resolve("/_health")).body();
            if (health.contains("\"manager\":\"http")) {
                return;
            }
            Thread.sleep(500);
        }
        throw new AssertionError("no manager published in Hazelcast on Payara Server: " + health);
    }
}
