package io.needlestack.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Pattern;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * What the EAR's tests on full servers ({@link EarOnPayaraServerIT}, {@link EarOnWildFlyIT})
 * share: the EAR, a fresh data directory with known root keys, an S3 client, plain GETs, and the
 * server log written since a point.
 */
final class EarFixture {

    /** Root access key written to the data directory. */
    static final String ACCESS_KEY = "EARITROOTKEY00000001";
    /** Root secret key written to the data directory. */
    static final String SECRET_KEY = "earItRootSecret0000000000000000000000000";

    /** Failures in a server log that a redeploy must never cause, on any server. */
    static final Pattern REDEPLOY_FAILURE = Pattern.compile(
            "UnsatisfiedLinkError|already loaded in another classloader|LOCK: |lock hold by current process");

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private EarFixture() {
    }

    /** The EAR the build made (asserted present). */
    static Path ear() {
        Path ear = Path.of(System.getProperty("needlestack.it.ear", "ear/target/needlestack.ear")).toAbsolutePath();
        assertTrue(Files.isRegularFile(ear), "no EAR at " + ear);
        return ear;
    }

    /**
     * {@code work/data}, emptied (the tests create their bucket), with {@code root.credentials}
     * holding {@link #ACCESS_KEY} and {@link #SECRET_KEY}.
     */
    static Path freshData(Path work) throws IOException {
        Path data = work.resolve("data");
        NodeProcess.deleteTree(data);
        Files.createDirectories(data);
        Files.writeString(data.resolve("root.credentials"),
                "access_key=" + ACCESS_KEY + "\nsecret_key=" + SECRET_KEY + "\n");
        return data;
    }

    /** A path-style S3 client for the root keys. */
    static S3Client s3(URI endpoint) {
        return S3Client.builder().endpointOverride(endpoint).region(Region.US_EAST_1)
                .forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
                .build();
    }

    /** A plain GET (30 s at most). */
    static HttpResponse<String> get(URI uri) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** What {@code log} holds after its first {@code offset} bytes. */
    static String logSince(Path log, long offset) throws IOException {
        byte[] all = Files.readAllBytes(log);
        return new String(all, (int) Math.min(offset, all.length), (int) Math.max(0, all.length - offset),
                StandardCharsets.UTF_8);
    }
}
