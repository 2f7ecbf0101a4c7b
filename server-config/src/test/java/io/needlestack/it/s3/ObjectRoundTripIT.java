package io.needlestack.it.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadResponse;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;

/**
 * Byte-for-byte round trips of single PUTs and multipart uploads, once per way the SDK sends a
 * body ({@link ClientVariant}), compared by digest without holding large objects in memory.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ObjectRoundTripIT extends S3TestSupport {

  private static final long KIB = 1024;
  private static final long MIB = 1024 * KIB;

  private final Map<ClientVariant, S3Client> clients = new EnumMap<>(ClientVariant.class);
  /** The x-amz-content-sha256 of the last PutObject each client sent. */
  private final Map<ClientVariant, String> lastPayloadForm =
      new java.util.concurrent.ConcurrentHashMap<>();
  private String bucket;

  @BeforeAll
  @Timeout(value = 180, unit = TimeUnit.SECONDS)
  void setUp() {
    for (ClientVariant v : ClientVariant.values()) {
      clients.put(v, S3Clients.create(node, v, new ExecutionInterceptor() {
        @Override
        public void beforeTransmission(Context.BeforeTransmission context,
            ExecutionAttributes attributes) {
          if (context.request() instanceof PutObjectRequest) {
            context.httpRequest().firstMatchingHeader("x-amz-content-sha256")
                .ifPresent(h -> lastPayloadForm.put(v, h));
          }
        }
      }));
    }
    bucket = createBucket("roundtrip");
  }

  @AfterAll
  void closeClients() {
    clients.values().forEach(S3Client::close);
  }

  static Stream<Arguments> singlePutCases() {
    List<Arguments> cases = new ArrayList<>();
    for (ClientVariant v : ClientVariant.values()) {
      for (long size : new long[] {0, 4 * KIB, MIB, 100 * MIB}) {
        cases.add(Arguments.of(v, size));
      }
    }
    return cases.stream();
  }

  @ParameterizedTest(name = "{0} {1} bytes")
  @MethodSource("singlePutCases")
  void singlePut(ClientVariant variant, long size) {
    S3Client c = clients.get(variant);
    String key = "single/" + variant + "/" + size;
    GeneratedContent content = new GeneratedContent(size * 31 + variant.ordinal(), size);
    GeneratedContent.Digests expected = content.digests();
    PutObjectResponse put = put(c, bucket, key, content);
    assertEquals(expected.etag(), put.eTag(), "PutObject ETag is the MD5 of " + key);
    if (size > 0) {
      assertPayloadForm(variant, lastPayloadForm.get(variant));
    }
    HeadObjectResponse head = c.headObject(r -> r.bucket(bucket).key(key));
    assertEquals(size, head.contentLength());
    assertEquals(expected.etag(), head.eTag());
    assertObjectEquals(c, bucket, key, expected);
  }

  /** Each variant must really send its own x-amz-content-sha256 form, or coverage is lost. */
  private static void assertPayloadForm(ClientVariant variant, String sent) {
    switch (variant) {
      case DEFAULT_TRAILER ->
          assertEquals("STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER", sent, variant.name());
      case WHEN_REQUIRED -> assertEquals("STREAMING-AWS4-HMAC-SHA256-PAYLOAD", sent,
          variant.name());
      case SIGNED_PAYLOAD -> assertTrue(sent != null && sent.matches("[0-9a-f]{64}"),
          variant + " sent " + sent);
      default -> throw new IllegalArgumentException(variant.name());
    }
  }

  @ParameterizedTest
  @EnumSource(ClientVariant.class)
  void multipart100MiBIn8MiBParts(ClientVariant variant) {
    multipart(variant, 100 * MIB, 8 * MIB);
  }

  @ParameterizedTest
  @EnumSource(ClientVariant.class)
  void multipartIn5MiBParts(ClientVariant variant) {
    // Three minimum-size parts and a short last one.
    multipart(variant, 15 * MIB + 12345, 5 * MIB);
  }

  private void multipart(ClientVariant variant, long size, long partSize) {
    S3Client c = clients.get(variant);
    String key = "multipart/" + variant + "/" + size + "-" + partSize;
    GeneratedContent content = new GeneratedContent(size + partSize + variant.ordinal(), size);
    String uploadId = c.createMultipartUpload(r -> r.bucket(bucket).key(key)
        .contentType("application/x-test")).uploadId();
    List<CompletedPart> parts = new ArrayList<>();
    List<GeneratedContent.Digests> partDigests = new ArrayList<>();
    for (long off = 0; off < size; off += partSize) {
      int number = parts.size() + 1;
      long len = Math.min(partSize, size - off);
      long start = off;
      GeneratedContent.Digests d = content.digests(start, len);
      String etag = c.uploadPart(r -> r.bucket(bucket).key(key).uploadId(uploadId)
              .partNumber(number),
          software.amazon.awssdk.core.sync.RequestBody.fromContentProvider(
              () -> content.open(start, len), len, "application/octet-stream")).eTag();
      assertEquals(d.etag(), etag, "ETag of part " + number + " is its MD5");
      parts.add(CompletedPart.builder().partNumber(number).eTag(etag).build());
      partDigests.add(d);
    }
    CompleteMultipartUploadResponse done = c.completeMultipartUpload(r -> r.bucket(bucket)
        .key(key).uploadId(uploadId).multipartUpload(m -> m.parts(parts)));
    String expectedEtag = GeneratedContent.multipartEtag(partDigests);
    assertEquals(expectedEtag, done.eTag(), "multipart ETag is md5-of-part-md5s-N");
    HeadObjectResponse head = c.headObject(r -> r.bucket(bucket).key(key));
    assertEquals(size, head.contentLength());
    assertEquals(expectedEtag, head.eTag());
    assertEquals("application/x-test", head.contentType());
    assertObjectEquals(c, bucket, key, content.digests());
  }
}
