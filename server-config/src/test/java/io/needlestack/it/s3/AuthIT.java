package io.needlestack.it.s3;

import static io.needlestack.it.s3.S3Assertions.assertRawError;
import static io.needlestack.it.s3.S3Assertions.assertS3Error;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/** Authentication: presigned URLs, expired and wrong signatures, unknown keys, anonymous. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AuthIT extends S3TestSupport {

  private final HttpClient http = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5))
      .build();
  private S3Presigner presigner;
  private String bucket;

  @BeforeAll
  @Timeout(value = 180, unit = TimeUnit.SECONDS)
  void setUp() {
    presigner = S3Clients.presigner(node);
    bucket = createBucket("auth");
    s3.putObject(r -> r.bucket(bucket).key("secret.txt"), RequestBody.fromString("top secret"));
  }

  @AfterAll
  void tearDown() {
    presigner.close();
  }

  private HttpResponse<byte[]> send(HttpRequest req) throws IOException, InterruptedException {
    return http.send(req, HttpResponse.BodyHandlers.ofByteArray());
  }

  private static String describe(HttpResponse<byte[]> r) {
    return "HTTP " + r.statusCode() + " " + r.headers().map() + "\n"
        + new String(r.body(), StandardCharsets.UTF_8);
  }

  private static RawHttp.Response asRaw(HttpResponse<byte[]> r) {
    Map<String, List<String>> h = new java.util.TreeMap<>();
    r.headers().map().forEach((k, v) -> h.put(k.toLowerCase(java.util.Locale.ROOT), v));
    return new RawHttp.Response(r.statusCode(), h, r.body());
  }

  @Test
  void presignedGetAndPut() throws Exception {
    URI put = presigner.presignPutObject(p -> p.signatureDuration(Duration.ofMinutes(5))
        .putObjectRequest(r -> r.bucket(bucket).key("presigned.bin"))).url().toURI();
    byte[] data = new GeneratedContent(42, 300_000).bytes(0, 300_000);
    HttpResponse<byte[]> putAnswer = send(HttpRequest.newBuilder(put)
        .timeout(Duration.ofSeconds(30))
        .PUT(HttpRequest.BodyPublishers.ofByteArray(data)).build());
    assertEquals(200, putAnswer.statusCode(), describe(putAnswer));
    assertTrue(putAnswer.headers().firstValue("x-amz-request-id").isPresent(),
        describe(putAnswer));

    URI get = presigner.presignGetObject(p -> p.signatureDuration(Duration.ofMinutes(5))
        .getObjectRequest(r -> r.bucket(bucket).key("presigned.bin"))).url().toURI();
    HttpResponse<byte[]> getAnswer = send(HttpRequest.newBuilder(get)
        .timeout(Duration.ofSeconds(30)).GET().build());
    assertEquals(200, getAnswer.statusCode(), describe(getAnswer));
    assertArrayEquals(data, getAnswer.body());
    assertTrue(getAnswer.headers().firstValue("x-amz-request-id").isPresent());
  }

  @Test
  void expiredPresignedUrlIsAccessDenied() throws Exception {
    URI expired = new RawS3(node).presign("GET", "/" + bucket + "/secret.txt",
        Duration.ofSeconds(60), Instant.now().minus(Duration.ofHours(2)));
    HttpResponse<byte[]> r = send(HttpRequest.newBuilder(expired)
        .timeout(Duration.ofSeconds(30)).GET().build());
    assertRawError(asRaw(r), 403, "AccessDenied");
  }

  @Test
  void tamperedPresignedUrlIsSignatureDoesNotMatch() throws Exception {
    URI get = presigner.presignGetObject(p -> p.signatureDuration(Duration.ofMinutes(5))
        .getObjectRequest(r -> r.bucket(bucket).key("secret.txt"))).url().toURI();
    // Same signature, other key: the signature no longer covers the request.
    URI other = URI.create(get.toString().replace("/secret.txt?", "/other.txt?"));
    HttpResponse<byte[]> r = send(HttpRequest.newBuilder(other)
        .timeout(Duration.ofSeconds(30)).GET().build());
    assertRawError(asRaw(r), 403, "SignatureDoesNotMatch");
  }

  @Test
  void wrongSecretIsSignatureDoesNotMatch() {
    try (S3Client wrong = S3Clients.create(node, ClientVariant.DEFAULT_TRAILER,
        node.accessKey(), node.secretKey() + "x")) {
      assertS3Error(403, "SignatureDoesNotMatch", () -> wrong.getObjectAsBytes(r -> r
          .bucket(bucket).key("secret.txt")));
      assertS3Error(403, "SignatureDoesNotMatch", () -> wrong.putObject(r -> r.bucket(bucket)
          .key("forged"), RequestBody.fromString("forged")));
      assertS3Error(403, "SignatureDoesNotMatch", wrong::listBuckets);
    }
    assertS3Error(404, "NoSuchKey", () -> s3.getObjectAsBytes(r -> r.bucket(bucket)
        .key("forged")));
  }

  @Test
  void unknownAccessKeyIsInvalidAccessKeyId() {
    try (S3Client unknown = S3Clients.create(node, ClientVariant.DEFAULT_TRAILER,
        "AKIAUNKNOWNUNKNOWN00", "unknownSecretunknownSecretunknownSecret0")) {
      assertS3Error(403, "InvalidAccessKeyId", () -> unknown.getObjectAsBytes(r -> r
          .bucket(bucket).key("secret.txt")));
      assertS3Error(403, "InvalidAccessKeyId", unknown::listBuckets);
    }
  }

  @Test
  void anonymousRequestsAreAccessDenied() {
    RawS3 raw = new RawS3(node);
    assertRawError(raw.sendAnonymous("GET", "/" + bucket + "/secret.txt", Map.of(), null),
        403, "AccessDenied");
    assertRawError(raw.sendAnonymous("GET", "/" + bucket, Map.of(), null), 403, "AccessDenied");
    assertRawError(raw.sendAnonymous("PUT", "/" + bucket + "/anon", Map.of(),
        "x".getBytes(StandardCharsets.UTF_8)), 403, "AccessDenied");
    RawHttp.Response head = raw.sendAnonymous("HEAD", "/" + bucket + "/secret.txt", Map.of(),
        null);
    assertEquals(403, head.status(), head.toString());
  }

  @Test
  void signedRawRequestWithWrongSecretIsSignatureDoesNotMatch() {
    RawHttp.Response r = new RawS3(node).send("GET", null, "/" + bucket + "/secret.txt",
        Map.of(), null, RawS3.PayloadForm.UNSIGNED_PAYLOAD, node.accessKey(), "wrong-secret");
    assertRawError(r, 403, "SignatureDoesNotMatch");
  }
}
