package io.needlestack.it;

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
import org.junit.jupiter.api.Timeout;

/**
 * The EAR packaging on a real Payara Server 6: a fresh domain on free ports, deploy, check that
 * the applications answer, redeploy (the adapter's native library and file locks must be
 * released by the first deployment and taken again by the second), check again, stop.
 *
 * <p>TODO(gateway S3): once the gateway serves PUT and GET, store an object before the redeploy
 * and read it back after it (the e2e tests' S3 client can be used here).
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
        Files.createDirectories(data);

        try (PayaraServerDomain domain = PayaraServerDomain.create(work.resolve("domains"), "needlestack-it")) {
            copyDomainLibraries(ear, domain.libDirectory());
            domain.start();
            // Read by every application of the node (NodeConfig); live, no restart needed.
            domain.asadmin(60, "create-system-properties", "needlestack.data=" + data.toString().replace(":", "\\:"));
            domain.asadmin(60, "create-system-properties", "needlestack.http.port=" + domain.httpPort());

            domain.asadmin(400, "deploy", "--name", "needlestack", ear.toString());
            assertApplicationsUp(domain);
            long logBefore = Files.size(domain.serverLog());

            domain.asadmin(400, "redeploy", "--name", "needlestack", ear.toString());
            assertApplicationsUp(domain);
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

    private HttpResponse<String> get(URI uri) throws Exception {
        return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
