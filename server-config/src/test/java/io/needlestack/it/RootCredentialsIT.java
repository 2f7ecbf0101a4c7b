package io.needlestack.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * The root secret rotated through {@code NEEDLESTACK_ROOT_SECRET_KEY}: after a restart of the same
 * data directory with a new secret for the same access key, the new secret is accepted and the
 * old one refused, by S3 and by the admin API. (The manager's start-up wrote the new secret into
 * an entity field from outside the entity class, which the JPA provider's woven change tracking
 * never saw: the old secret stayed in the database and the printed new one was refused.)
 */
class RootCredentialsIT {

    private static final String ACCESS = "ROOTROTATION0001";
    private NodeProcess node;

    @AfterEach
    void down() throws Exception {
        if (node != null) {
            node.stop();
            NodeProcess.deleteTree(node.dataDir());
        }
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void aRotatedRootSecretReplacesTheOldOne() throws Exception {
        assumeTrue(NodeProcess.adapterPresent(), "needle-rar has no adapter implementation yet");
        node = NodeProcess.builder("rootrot").env("NEEDLESTACK_ROOT_ACCESS_KEY", ACCESS)
                .env("NEEDLESTACK_ROOT_SECRET_KEY", "first-secret-0123456789").start();
        try (S3Client s3 = node.s3Client()) {
            s3.createBucket(b -> b.bucket("rotation"));
        }
        node.stop();
        Path data = node.dataDir();
        node = NodeProcess.builder("rootrot").dataDir(data).port(node.port()).internalPort(node.internalPort())
                .env("NEEDLESTACK_ROOT_ACCESS_KEY", ACCESS).env("NEEDLESTACK_ROOT_SECRET_KEY", "second-secret-0123456789")
                .start();
        assertEquals("second-secret-0123456789", node.secretKey());
        try (S3Client s3 = node.s3Client()) {
            assertEquals(1, s3.listBuckets().buckets().size());
        }
        LocalCluster.Result adm = LocalCluster.adm(node.endpoint().toString(), data, "get-users");
        assertEquals(0, adm.exit(), adm.output());
        LocalCluster.Result old = LocalCluster.adm(node.endpoint().toString(), data, "--access-key", ACCESS,
                "--secret-key", "first-secret-0123456789", "get-users");
        assertEquals(1, old.exit(), old.output());
        try (S3Client stale = S3Client.builder().endpointOverride(node.endpoint())
                .region(software.amazon.awssdk.regions.Region.US_EAST_1).forcePathStyle(true)
                .credentialsProvider(software.amazon.awssdk.auth.credentials.StaticCredentialsProvider.create(
                        software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create(ACCESS,
                                "first-secret-0123456789")))
                .httpClientBuilder(software.amazon.awssdk.http.apache.ApacheHttpClient.builder()).build()) {
            S3Exception refused = assertThrows(S3Exception.class, stale::listBuckets);
            assertEquals(403, refused.statusCode());
        }
    }
}
