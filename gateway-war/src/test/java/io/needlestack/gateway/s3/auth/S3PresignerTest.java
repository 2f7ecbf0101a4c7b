package io.needlestack.gateway.s3.auth;

import io.needlestack.gateway.s3.error.S3ErrorCode;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;
import software.amazon.awssdk.awscore.presigner.PresignedRequest;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;

import static io.needlestack.gateway.s3.auth.AuthFixtures.expectS3;
import static io.needlestack.gateway.s3.auth.AuthFixtures.readAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * URLs made by the SDK's {@link S3Presigner}, the way users share objects, over plain HTTP with
 * path-style and virtual-hosted addressing. The presigner signs with the real clock, so the
 * verifier's clock is set relative to the URL's own X-Amz-Date.
 */
class S3PresignerTest {

    private static S3Presigner presigner(boolean pathStyle) {
        return S3Presigner.builder()
                .region(Region.US_EAST_1)
                .endpointOverride(URI.create("http://s3.local.test:8080"))
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(AuthFixtures.ACCESS_KEY, AuthFixtures.SECRET_KEY)))
                .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(pathStyle).build())
                .build();
    }

    private static TestRequest toRequest(PresignedRequest presigned) {
        URI url = URI.create(presigned.url().toString());
        TestRequest request = new TestRequest(presigned.httpRequest().method().name(), url.getRawPath(), url.getRawQuery());
        presigned.signedHeaders().forEach((name, values) -> values.forEach(v -> request.header(name, v)));
        return request;
    }

    private static Instant signedAt(TestRequest request) {
        String q = request.rawQuery();
        int i = q.indexOf("X-Amz-Date=") + "X-Amz-Date=".length();
        return Instant.from(AmzDates.ISO_BASIC.parse(q.substring(i, i + 16)));
    }

    private static Authenticator at(Instant instant) {
        return new Authenticator(AuthFixtures.STORE, "us-east-1", java.time.Clock.fixed(instant, java.time.ZoneOffset.UTC));
    }

    @Test
    void presignedGetPathStyleWithAnAwkwardKey() {
        try (S3Presigner p = presigner(true)) {
            TestRequest get = toRequest(p.presignGetObject(b -> b.signatureDuration(Duration.ofMinutes(10))
                    .getObjectRequest(r -> r.bucket("photos").key("2026/a b+c=d&e~é.jpg")
                            .responseContentType("image/jpeg"))));
            Instant t = signedAt(get);
            AuthResult auth = at(t.plusSeconds(600)).authenticate(get, null);
            assertEquals(AuthMethod.SIGV4_QUERY, auth.method());
            expectS3(S3ErrorCode.ACCESS_DENIED, () -> at(t.plusSeconds(601)).authenticate(get, null));
            expectS3(S3ErrorCode.SIGNATURE_DOES_NOT_MATCH, () -> at(t).authenticate(
                    get.query(get.rawQuery().replace("response-content-type=image%2Fjpeg", "response-content-type=text%2Fhtml")),
                    null));
        }
    }

    @Test
    void presignedPutVirtualHostedSignsContentType() throws IOException {
        try (S3Presigner p = presigner(false)) {
            TestRequest put = toRequest(p.presignPutObject(b -> b.signatureDuration(Duration.ofDays(7))
                    .putObjectRequest(r -> r.bucket("photos").key("k.txt").contentType("text/plain"))));
            assertEquals("/k.txt", put.rawPath());
            Instant t = signedAt(put);
            byte[] body = "hello".getBytes(StandardCharsets.UTF_8);
            put.header("Content-Length", "5");
            AuthResult auth = at(t.plusSeconds(3)).authenticate(put, "photos");
            assertEquals(PayloadMode.UNSIGNED, auth.payloadMode());
            assertArrayEquals(body, readAll(auth, body));
            expectS3(S3ErrorCode.SIGNATURE_DOES_NOT_MATCH, () -> at(t).authenticate(
                    put.replaceHeader("Content-Type", "text/html"), "photos"));
            expectS3(S3ErrorCode.ACCESS_DENIED, () -> at(t.plus(Duration.ofDays(7)).plusSeconds(1))
                    .authenticate(put.replaceHeader("Content-Type", "text/plain"), "photos"));
        }
    }
}
