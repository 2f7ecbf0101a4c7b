package io.needlestack.it.s3;

import static io.needlestack.it.s3.S3Assertions.assertS3Error;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.DeletedObject;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Error;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Conditional writes ({@code If-None-Match: *}, {@code If-Match}) on PutObject, CopyObject and
 * CompleteMultipartUpload, and conditional deletes ({@code If-Match}, DeleteObjects' ETags),
 * through the AWS SDK: a write whose condition fails changes nothing,
 * and of many writers racing to create one key with {@code If-None-Match: *} exactly one wins
 * (the others get 412, or 409 ConditionalRequestConflict), as a lock file needs.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ConditionalWriteIT extends S3TestSupport {

  private static final int MIB = 1 << 20;
  private String bucket;

  @BeforeAll
  @Timeout(value = 180, unit = TimeUnit.SECONDS)
  void setUp() {
    Target.assumeSupportedByTarget("conditional writes");
    bucket = createBucket("conditional");
  }

  private String get(String key) {
    return s3.getObjectAsBytes(r -> r.bucket(bucket).key(key)).asUtf8String();
  }

  @Test
  void ifNoneMatchCreatesOnlyWhereNothingIs() {
    String etag = s3.putObject(r -> r.bucket(bucket).key("lock").ifNoneMatch("*"),
        RequestBody.fromString("first")).eTag();
    assertS3Error(412, "PreconditionFailed", () -> s3.putObject(r -> r.bucket(bucket)
        .key("lock").ifNoneMatch("*"), RequestBody.fromString("second")));
    assertEquals("first", get("lock"));
    assertEquals(etag, s3.headObject(r -> r.bucket(bucket).key("lock")).eTag());
    // A deleted key has no object: the lock can be taken again.
    s3.deleteObject(r -> r.bucket(bucket).key("lock"));
    s3.putObject(r -> r.bucket(bucket).key("lock").ifNoneMatch("*"), RequestBody.fromString("third"));
    assertEquals("third", get("lock"));
  }

  @Test
  void ifNoneMatchRefusesALargeObjectAndChangesNothing() {
    s3.putObject(r -> r.bucket(bucket).key("big"), RequestBody.fromString("small"));
    // 6 MiB: written in chunks, whose manifest is the write the condition guards.
    GeneratedContent c = new GeneratedContent(41, 6L * MIB);
    assertS3Error(412, "PreconditionFailed", () -> s3.putObject(r -> r.bucket(bucket).key("big")
        .ifNoneMatch("*"), body(c)));
    assertEquals("small", get("big"));
    s3.putObject(r -> r.bucket(bucket).key("big2").ifNoneMatch("*"), body(c));
    assertObjectEquals(s3, bucket, "big2", c.digests());
  }

  @Test
  void ifMatchReplacesOnlyTheVersionNamed() {
    String v1 = s3.putObject(r -> r.bucket(bucket).key("doc"), RequestBody.fromString("v1")).eTag();
    String v2 = s3.putObject(r -> r.bucket(bucket).key("doc").ifMatch(v1), RequestBody.fromString("v2")).eTag();
    assertEquals("v2", get("doc"));
    // The writer that still holds v1 lost the race and must not overwrite v2.
    assertS3Error(412, "PreconditionFailed", () -> s3.putObject(r -> r.bucket(bucket)
        .key("doc").ifMatch(v1), RequestBody.fromString("stale")));
    assertEquals("v2", get("doc"));
    assertEquals(v2, s3.headObject(r -> r.bucket(bucket).key("doc")).eTag());
    assertS3Error(404, "NoSuchKey", () -> s3.putObject(r -> r.bucket(bucket).key("absent").ifMatch(v1),
        RequestBody.fromString("x")));
    assertS3Error(404, "NoSuchKey", () -> s3.headObject(r -> r.bucket(bucket).key("absent")));
  }

  @Test
  void copyObjectChecksTheDestination() {
    s3.putObject(r -> r.bucket(bucket).key("src"), RequestBody.fromString("source"));
    s3.putObject(r -> r.bucket(bucket).key("dst"), RequestBody.fromString("kept"));
    assertS3Error(412, "PreconditionFailed", () -> s3.copyObject(r -> r.sourceBucket(bucket).sourceKey("src")
        .destinationBucket(bucket).destinationKey("dst").ifNoneMatch("*")));
    assertEquals("kept", get("dst"));
    s3.copyObject(r -> r.sourceBucket(bucket).sourceKey("src").destinationBucket(bucket).destinationKey("dst2")
        .ifNoneMatch("*"));
    assertEquals("source", get("dst2"));
  }

  @Test
  void completeMultipartUploadChecksAndKeepsTheUploadWhenRefused() {
    String key = "mpu";
    String existing = s3.putObject(r -> r.bucket(bucket).key(key), RequestBody.fromString("existing")).eTag();
    String id = s3.createMultipartUpload(r -> r.bucket(bucket).key(key)).uploadId();
    GeneratedContent c = new GeneratedContent(42, 5L * MIB + 3);
    String partEtag = s3.uploadPart(r -> r.bucket(bucket).key(key).uploadId(id).partNumber(1), body(c)).eTag();
    CompletedPart part = CompletedPart.builder().partNumber(1).eTag(partEtag).build();
    assertS3Error(412, "PreconditionFailed", () -> s3.completeMultipartUpload(r -> r.bucket(bucket).key(key)
        .uploadId(id).ifNoneMatch("*").multipartUpload(m -> m.parts(part))));
    assertEquals("existing", get(key));
    // Refused, the upload and its part are still there, and complete once the condition holds.
    assertEquals(1, s3.listParts(r -> r.bucket(bucket).key(key).uploadId(id)).parts().size());
    s3.completeMultipartUpload(r -> r.bucket(bucket).key(key).uploadId(id).ifMatch(existing)
        .multipartUpload(m -> m.parts(part)));
    assertObjectEquals(s3, bucket, key, c.digests());
  }

  @Test
  void conditionalDeletesRemoveOnlyTheVersionNamed() {
    String v1 = s3.putObject(r -> r.bucket(bucket).key("del"), RequestBody.fromString("v1")).eTag();
    String v2 = s3.putObject(r -> r.bucket(bucket).key("del"), RequestBody.fromString("v2")).eTag();
    assertS3Error(412, "PreconditionFailed", () -> s3.deleteObject(r -> r.bucket(bucket).key("del").ifMatch(v1)));
    assertEquals("v2", get("del"));
    s3.deleteObject(r -> r.bucket(bucket).key("del").ifMatch(v2));
    assertS3Error(404, "NoSuchKey", () -> s3.headObject(r -> r.bucket(bucket).key("del")));
    assertS3Error(404, "NoSuchKey", () -> s3.deleteObject(r -> r.bucket(bucket).key("del").ifMatch("*")));

    // DeleteObjects: each object's ETag element is its own condition.
    String a = s3.putObject(r -> r.bucket(bucket).key("batch-a"), RequestBody.fromString("a")).eTag();
    s3.putObject(r -> r.bucket(bucket).key("batch-b"), RequestBody.fromString("b"));
    var result = s3.deleteObjects(r -> r.bucket(bucket).delete(d -> d.objects(
        ObjectIdentifier.builder().key("batch-a").eTag(a).build(),
        ObjectIdentifier.builder().key("batch-b").eTag(a).build(),
        ObjectIdentifier.builder().key("batch-none").eTag(a).build())));
    assertEquals(List.of("batch-a"), result.deleted().stream().map(DeletedObject::key).toList());
    assertEquals(Map.of("batch-b", "PreconditionFailed", "batch-none", "NoSuchKey"), result.errors().stream()
        .collect(java.util.stream.Collectors.toMap(S3Error::key, S3Error::code)));
    assertEquals("b", get("batch-b"));
    assertS3Error(404, "NoSuchKey", () -> s3.headObject(r -> r.bucket(bucket).key("batch-a")));
  }

  /**
   * Eight writers race to create each of 12 keys with {@code If-None-Match: *}: exactly one of
   * them succeeds per key, and the key holds that writer's body.
   */
  @Test
  void racingCreatorsHaveExactlyOneWinner() throws Exception {
    int writers = 8;
    int keys = 12;
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    Map<String, List<Integer>> winners = new ConcurrentHashMap<>();
    AtomicInteger refused = new AtomicInteger();
    List<String> unexpected = new java.util.concurrent.CopyOnWriteArrayList<>();
    try {
      for (int k = 0; k < keys; k++) {
        String key = "race-" + k;
        CountDownLatch go = new CountDownLatch(1);
        List<Future<?>> done = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
          int writer = w;
          // 256 KiB bodies: each write takes long enough for the others to overlap it.
          String body = ("writer " + writer + " ").repeat(256 * 1024 / 9);
          done.add(pool.submit(() -> {
            go.await();
            try {
              s3.putObject(r -> r.bucket(bucket).key(key).ifNoneMatch("*"), RequestBody.fromString(body));
              winners.computeIfAbsent(key, x -> new java.util.concurrent.CopyOnWriteArrayList<>()).add(writer);
            } catch (S3Exception e) {
              if (e.statusCode() == 412 || e.statusCode() == 409) {
                refused.incrementAndGet();
              } else {
                unexpected.add(e.statusCode() + " " + e.getMessage());
              }
            }
            return null;
          }));
        }
        go.countDown();
        for (Future<?> f : done) {
          f.get(60, TimeUnit.SECONDS);
        }
        List<Integer> won = winners.getOrDefault(key, List.of());
        assertEquals(1, won.size(), key + " had winners " + won);
        assertTrue(get(key).startsWith("writer " + won.get(0) + " "), key + " does not hold its winner's body");
      }
    } finally {
      pool.shutdownNow();
    }
    assertTrue(unexpected.isEmpty(), unexpected.toString());
    assertEquals(keys * (writers - 1), refused.get());
  }
}
