package io.needlestack.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * The same EAR as {@link EarOnPayaraServerIT} on a real WildFly (the design card's second server
 * for it): a fresh standalone server on free ports, deploy, S3 through the AWS SDK, undeploy and
 * deploy again (the adapter must release RocksDB's lock and its native library, and take them
 * again), read the object back byte for byte, stop.
 *
 * <p>WildFly has no Hazelcast instance for the application, so the node runs alone there (the
 * health answer says no manager is published); the test checks that too, so that the day the
 * EAR finds a cluster on WildFly this test is revisited.
 */
class EarOnWildFlyIT {

    /** WildFly's words for a failed operation or service, beside {@link EarFixture#REDEPLOY_FAILURE}. */
    private static final Pattern WILDFLY_FAILURE = Pattern.compile("WFLYCTL0013|MSC000001");

    @Test
    @Timeout(value = 8, unit = TimeUnit.MINUTES)
    void deployRedeployAndStop() throws Exception {
        assumeTrue(NodeProcess.adapterPresent(),
                "needle-rar has no adapter implementation yet: the EAR cannot deploy");
        Path ear = EarFixture.ear();
        assertTrue(Files.isDirectory(WildFlyServer.home()), "no WildFly at " + WildFlyServer.home());
        Path work = NodeProcess.workDirectory().resolve("wildfly");
        Path data = EarFixture.freshData(work);
        byte[] body = new byte[256 * 1024 + 3];
        new java.util.Random(11).nextBytes(body);

        try (WildFlyServer server = WildFlyServer.create(work.resolve("standalone"))) {
            // The gateway finds its manager at needlestack.http.port (no Hazelcast to publish it).
            server.start(Duration.ofMinutes(3), List.of("-Dneedlestack.data=" + data,
                    "-Dneedlestack.http.port=" + server.httpPort(), "-Dneedlestack.node.name=wildfly-it"));
            server.deploy(ear, Duration.ofMinutes(4));
            assertApplicationsUp(server);
            try (S3Client s3 = EarFixture.s3(server.http())) {
                s3.createBucket(b -> b.bucket("ear-wf"));
                s3.putObject(b -> b.bucket("ear-wf").key("dir/object.bin"), RequestBody.fromBytes(body));
                assertArrayEquals(body, s3.getObjectAsBytes(b -> b.bucket("ear-wf").key("dir/object.bin")).asByteArray());
                assertThrows(NoSuchKeyException.class, () -> s3.getObjectAsBytes(b -> b.bucket("ear-wf").key("missing")));
                // Conditional writes without Hazelcast: the node's own key locks.
                s3.putObject(b -> b.bucket("ear-wf").key("dir/object.bin").ifMatch("*"), RequestBody.fromBytes(body));
                S3Exception refused = assertThrows(S3Exception.class, () -> s3.putObject(b -> b.bucket("ear-wf")
                        .key("dir/object.bin").ifNoneMatch("*"), RequestBody.fromString("second")));
                assertEquals(412, refused.statusCode());
                assertEquals(List.of("dir/object.bin"), s3.listObjectsV2(b -> b.bucket("ear-wf")).contents().stream()
                        .map(o -> o.key()).toList());
            }
            long logBefore = Files.size(server.serverLog());

            server.undeploy(ear.getFileName().toString(), Duration.ofMinutes(2));
            server.deploy(ear, Duration.ofMinutes(4));
            assertApplicationsUp(server);
            try (S3Client s3 = EarFixture.s3(server.http())) {
                assertArrayEquals(body, s3.getObjectAsBytes(b -> b.bucket("ear-wf").key("dir/object.bin")).asByteArray(),
                        "the object did not survive the redeploy");
            }
            String afterRedeploy = EarFixture.logSince(server.serverLog(), logBefore);
            assertFalse(EarFixture.REDEPLOY_FAILURE.matcher(afterRedeploy).find()
                            || WILDFLY_FAILURE.matcher(afterRedeploy).find(),
                    "the redeploy logged a failure:\n" + WildFlyServer.tail(server.serverLog(), 80));
        }
    }

    private void assertApplicationsUp(WildFlyServer server) throws Exception {
        HttpResponse<String> health = EarFixture.get(server.http().resolve("/_health"));
        assertEquals(200, health.statusCode(), health.body());
        assertTrue(health.body().contains("\"writable\":true"), health.body());
        // No Hazelcast on WildFly: nothing publishes the manager (see the class comment).
        assertTrue(health.body().contains("\"manager\":\"\""), health.body());
        HttpResponse<String> admin = EarFixture.get(server.http().resolve("/_admin/"));
        assertEquals(200, admin.statusCode(), "the manager's pages do not answer");
    }
}
