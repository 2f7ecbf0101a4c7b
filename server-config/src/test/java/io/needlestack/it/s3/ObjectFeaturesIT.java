package io.needlestack.it.s3;

import static io.needlestack.it.s3.S3Assertions.assertS3Error;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.CopyObjectResponse;
import software.amazon.awssdk.services.s3.model.DeleteObjectsResponse;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.MetadataDirective;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;

/** Ranges, conditional requests, metadata, Content-MD5, copy and delete through the SDK. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ObjectFeaturesIT extends S3TestSupport {

  private static final int SIZE = 1 << 20;
  private String bucket;
  private GeneratedContent content;
  private HeadObjectResponse rangeObject;

  @BeforeAll
  @Timeout(value = 180, unit = TimeUnit.SECONDS)
  void setUp() {
    bucket = createBucket("features");
    content = new GeneratedContent(77, SIZE);
    put(s3, bucket, "range", content);
    rangeObject = s3.headObject(r -> r.bucket(bucket).key("range"));
  }

  private void assertRange(String range, long first, long last) {
    ResponseBytes<GetObjectResponse> got =
        s3.getObjectAsBytes(r -> r.bucket(bucket).key("range").range(range));
    assertEquals(206, got.response().sdkHttpResponse().statusCode(), range);
    assertEquals("bytes " + first + "-" + last + "/" + SIZE, got.response().contentRange(),
        range);
    assertEquals(last - first + 1, got.response().contentLength(), range);
    assertArrayEquals(content.bytes(first, (int) (last - first + 1)), got.asByteArray(), range);
  }

  @Test
  void rangesAnswer206WithContentRange() {
    assertRange("bytes=0-99", 0, 99);
    assertRange("bytes=1000-66535", 1000, 66535);
    assertRange("bytes=-500", SIZE - 500, SIZE - 1);
    assertRange("bytes=" + (SIZE - 777) + "-", SIZE - 777, SIZE - 1);
    // A last byte past the end is clamped, not refused.
    assertRange("bytes=" + (SIZE - 10) + "-" + (SIZE + 1000), SIZE - 10, SIZE - 1);
  }

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void aGetThatBeganBeforeAnOverwriteReadsTheWholeOldObject() throws Exception {
    // 12 MiB: stored as chunks, opened one by one while the body streams.
    GeneratedContent old = new GeneratedContent(301, 12L << 20);
    put(s3, bucket, "overwritten", old);
    try (ResponseInputStream<GetObjectResponse> in =
        s3.getObject(r -> r.bucket(bucket).key("overwritten"))) {
      byte[] first = in.readNBytes(1 << 20);
      put(s3, bucket, "overwritten", new GeneratedContent(302, 7L << 20));
      java.security.MessageDigest md5 = GeneratedContent.newDigest("MD5");
      md5.update(first);
      byte[] buf = new byte[1 << 16];
      long total = first.length;
      int n;
      while ((n = in.read(buf)) > 0) {
        md5.update(buf, 0, n);
        total += n;
      }
      assertEquals(old.length(), total, "the old version was cut short");
      assertArrayEquals(old.digests().md5(), md5.digest(), "the old version's bytes changed mid-read");
    }
    assertEquals(7L << 20, s3.headObject(r -> r.bucket(bucket).key("overwritten")).contentLength());
  }

  @Test
  void unsatisfiableRangeIs416InvalidRange() {
    assertS3Error(416, "InvalidRange", () -> s3.getObjectAsBytes(r -> r.bucket(bucket)
        .key("range").range("bytes=" + (SIZE + 10) + "-" + (SIZE + 20))));
  }

  @Test
  void conditionalGets() throws InterruptedException {
    String etag = rangeObject.eTag();
    Instant modified = rangeObject.lastModified();
    assertEquals(SIZE, s3.getObjectAsBytes(r -> r.bucket(bucket).key("range").ifMatch(etag))
        .asByteArray().length);
    assertS3Error(412, "PreconditionFailed", () -> s3.getObjectAsBytes(r -> r.bucket(bucket)
        .key("range").ifMatch("\"0123456789abcdef0123456789abcdef\"")));
    assertS3Error(304, null, () -> s3.getObjectAsBytes(r -> r.bucket(bucket).key("range")
        .ifNoneMatch(etag)));
    assertEquals(SIZE, s3.getObjectAsBytes(r -> r.bucket(bucket).key("range")
        .ifNoneMatch("\"0123456789abcdef0123456789abcdef\"")).asByteArray().length);
    // Not modified since a second after its Last-Modified (HTTP dates have whole seconds and
    // the stored time may have more): 304; modified since a day before: 200. The date must not
    // lie in the future, where HTTP says to ignore it.
    Instant after = modified.plusSeconds(1);
    while (Instant.now().isBefore(after.plusMillis(200))) {
      Thread.sleep(50);
    }
    assertS3Error(304, null, () -> s3.getObjectAsBytes(r -> r.bucket(bucket).key("range")
        .ifModifiedSince(after)));
    assertEquals(SIZE, s3.getObjectAsBytes(r -> r.bucket(bucket).key("range")
        .ifModifiedSince(modified.minus(1, ChronoUnit.DAYS))).asByteArray().length);
    assertS3Error(412, "PreconditionFailed", () -> s3.getObjectAsBytes(r -> r.bucket(bucket)
        .key("range").ifUnmodifiedSince(modified.minus(1, ChronoUnit.DAYS))));
    assertEquals(SIZE, s3.getObjectAsBytes(r -> r.bucket(bucket).key("range")
        .ifUnmodifiedSince(after)).asByteArray().length);
    // HEAD answers the same statuses, without a body.
    assertS3Error(304, null, () -> s3.headObject(r -> r.bucket(bucket).key("range")
        .ifNoneMatch(etag)));
    assertS3Error(412, null, () -> s3.headObject(r -> r.bucket(bucket).key("range")
        .ifMatch("\"0123456789abcdef0123456789abcdef\"")));
  }

  @Test
  void headAndGetReturnStoredMetadata() {
    Instant expires = Instant.now().plus(3, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS);
    Map<String, String> meta = Map.of("color", "blue", "multi-word", "a b c");
    byte[] data = "metadata body".getBytes(StandardCharsets.UTF_8);
    s3.putObject(r -> r.bucket(bucket).key("meta").metadata(meta)
        .contentType("text/x-e2e-meta")
        .cacheControl("max-age=60")
        .contentDisposition("attachment; filename=\"m.txt\"")
        // Not "identity": Payara's HTTP layer (Grizzly) drops that value from every response.
        .contentEncoding("gzip")
        .expires(expires), RequestBody.fromBytes(data));
    HeadObjectResponse head = s3.headObject(r -> r.bucket(bucket).key("meta"));
    assertEquals(data.length, head.contentLength());
    assertEquals(meta, head.metadata());
    assertEquals("text/x-e2e-meta", head.contentType());
    assertEquals("max-age=60", head.cacheControl());
    assertEquals("attachment; filename=\"m.txt\"", head.contentDisposition());
    // The SDK sent "gzip,aws-chunked" or similar: aws-chunked must not be stored.
    assertEquals("gzip", head.contentEncoding());
    assertEquals(expires, head.expires());
    assertNotChunked(head.contentEncoding());
    GetObjectResponse get = s3.getObjectAsBytes(r -> r.bucket(bucket).key("meta")).response();
    assertEquals(meta, get.metadata());
    assertEquals("max-age=60", get.cacheControl());
    assertEquals("gzip", get.contentEncoding());
    assertEquals(expires, get.expires());
  }

  @Test
  void contentTypeIsStoredVerbatim() {
    Target.assumeSupportedByTarget("s3proxy (Jetty) rewrites 'text/plain; charset=utf-8' as "
        + "'text/plain;charset=utf-8'");
    s3.putObject(r -> r.bucket(bucket).key("ctype").contentType("text/plain; charset=utf-8"),
        RequestBody.fromString("t"));
    assertEquals("text/plain; charset=utf-8",
        s3.headObject(r -> r.bucket(bucket).key("ctype")).contentType());
  }

  private static void assertNotChunked(String contentEncoding) {
    assertFalse(contentEncoding != null && contentEncoding.contains("aws-chunked"),
        contentEncoding);
  }

  @Test
  void missingObjectIsNoSuchKey() {
    assertS3Error(404, "NoSuchKey", () -> s3.getObjectAsBytes(r -> r.bucket(bucket)
        .key("absent")));
    assertS3Error(404, null, () -> s3.headObject(r -> r.bucket(bucket).key("absent")));
    assertS3Error(404, "NoSuchBucket", () -> s3.getObjectAsBytes(r -> r.bucket("no-such-bkt-e2e")
        .key("absent")));
  }

  @Test
  void wrongContentMd5IsBadDigest() {
    String wrongMd5 = Base64.getEncoder().encodeToString(
        GeneratedContent.newDigest("MD5").digest("other".getBytes(StandardCharsets.UTF_8)));
    assertS3Error(400, "BadDigest", () -> s3.putObject(r -> r.bucket(bucket).key("baddigest")
        .contentMD5(wrongMd5), RequestBody.fromString("payload")));
    assertS3Error(404, "NoSuchKey", () -> s3.getObjectAsBytes(r -> r.bucket(bucket)
        .key("baddigest")));
    String rightMd5 = Base64.getEncoder().encodeToString(
        GeneratedContent.newDigest("MD5").digest("payload".getBytes(StandardCharsets.UTF_8)));
    s3.putObject(r -> r.bucket(bucket).key("gooddigest").contentMD5(rightMd5),
        RequestBody.fromString("payload"));
  }

  @Test
  void wrongChecksumHeaderIsBadDigest() {
    // CRC32 of nothing: not the CRC32 of "payload".
    assertS3Error(400, "BadDigest", () -> s3.putObject(r -> r.bucket(bucket).key("badcrc")
        .checksumCRC32("AAAAAA=="), RequestBody.fromString("payload")));
    assertS3Error(404, "NoSuchKey", () -> s3.getObjectAsBytes(r -> r.bucket(bucket)
        .key("badcrc")));
  }

  @Test
  void copyObjectKeepsOrReplacesMetadata() {
    s3.putObject(r -> r.bucket(bucket).key("copy-src").metadata(Map.of("origin", "src"))
        .contentType("text/x-src"), RequestBody.fromString("copy me"));
    String srcEtag = s3.headObject(r -> r.bucket(bucket).key("copy-src")).eTag();
    String other = createBucket("copy-dst");

    CopyObjectResponse copied = s3.copyObject(r -> r.sourceBucket(bucket).sourceKey("copy-src")
        .destinationBucket(other).destinationKey("kept"));
    assertEquals(srcEtag, copied.copyObjectResult().eTag());
    HeadObjectResponse kept = s3.headObject(r -> r.bucket(other).key("kept"));
    assertEquals(Map.of("origin", "src"), kept.metadata());
    assertEquals("text/x-src", kept.contentType());
    assertEquals("copy me", s3.getObjectAsBytes(r -> r.bucket(other).key("kept")).asUtf8String());

    s3.copyObject(r -> r.sourceBucket(bucket).sourceKey("copy-src").destinationBucket(bucket)
        .destinationKey("replaced").metadataDirective(MetadataDirective.REPLACE)
        .metadata(Map.of("origin", "replaced")).contentType("text/x-new"));
    HeadObjectResponse replaced = s3.headObject(r -> r.bucket(bucket).key("replaced"));
    assertEquals(Map.of("origin", "replaced"), replaced.metadata());
    assertEquals("text/x-new", replaced.contentType());
    assertEquals(srcEtag, replaced.eTag());

    assertS3Error(404, "NoSuchKey", () -> s3.copyObject(r -> r.sourceBucket(bucket)
        .sourceKey("no-such-source").destinationBucket(bucket).destinationKey("x")));
  }

  @Test
  void deleteObjectIsIdempotent() {
    s3.putObject(r -> r.bucket(bucket).key("del"), RequestBody.fromString("x"));
    assertEquals(204, s3.deleteObject(r -> r.bucket(bucket).key("del"))
        .sdkHttpResponse().statusCode());
    assertS3Error(404, "NoSuchKey", () -> s3.getObjectAsBytes(r -> r.bucket(bucket).key("del")));
    assertEquals(204, s3.deleteObject(r -> r.bucket(bucket).key("del"))
        .sdkHttpResponse().statusCode());
  }

  @Test
  void deleteObjectsVerboseAndQuiet() {
    List<ObjectIdentifier> ids = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      String k = "multi/del-" + i;
      s3.putObject(r -> r.bucket(bucket).key(k), RequestBody.fromString(k));
      ids.add(ObjectIdentifier.builder().key(k).build());
    }
    ids.add(ObjectIdentifier.builder().key("multi/never-existed").build());
    DeleteObjectsResponse verbose = s3.deleteObjects(r -> r.bucket(bucket)
        .delete(d -> d.objects(ids.subList(0, 3)).quiet(false)));
    assertEquals(List.of("multi/del-0", "multi/del-1", "multi/del-2"),
        verbose.deleted().stream().map(x -> x.key()).sorted().toList(), verbose.toString());
    assertTrue(verbose.errors().isEmpty(), verbose.toString());

    DeleteObjectsResponse quiet = s3.deleteObjects(r -> r.bucket(bucket)
        .delete(d -> d.objects(ids.subList(3, ids.size())).quiet(true)));
    assertTrue(quiet.deleted().isEmpty(), "quiet mode reports no successes: " + quiet);
    assertTrue(quiet.errors().isEmpty(), quiet.toString());
    assertEquals(0, s3.listObjectsV2(r -> r.bucket(bucket).prefix("multi/")).keyCount());
  }

  @Test
  void emptyMetadataValuesAreAbsentNotNull() {
    s3.putObject(r -> r.bucket(bucket).key("plain"), RequestBody.fromString("p"));
    HeadObjectResponse head = s3.headObject(r -> r.bucket(bucket).key("plain"));
    assertTrue(head.metadata().isEmpty(), head.metadata().toString());
    assertNull(head.cacheControl());
  }
  @Test
  void aVersionIdOtherThanNullNamesNoVersionAndDeletesNothing() {
    Target.assumeSupportedByTarget("answers for versions of an unversioned bucket differ");
    s3.putObject(r -> r.bucket(bucket).key("versioned"), RequestBody.fromString("only version"));
    String other = "3HL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY";
    // Deleting "another" version used to delete the object's only one.
    assertS3Error(404, "NoSuchVersion",
        () -> s3.deleteObject(r -> r.bucket(bucket).key("versioned").versionId(other)));
    assertS3Error(404, "NoSuchVersion",
        () -> s3.getObjectAsBytes(r -> r.bucket(bucket).key("versioned").versionId(other)));
    assertS3Error(404, null,
        () -> s3.headObject(r -> r.bucket(bucket).key("versioned").versionId(other)));
    assertEquals("only version", s3.getObjectAsBytes(r -> r.bucket(bucket).key("versioned")
        .versionId("null")).asUtf8String());
    assertEquals(204, s3.deleteObject(r -> r.bucket(bucket).key("versioned").versionId("null"))
        .sdkHttpResponse().statusCode());
    assertS3Error(404, "NoSuchKey", () -> s3.getObjectAsBytes(r -> r.bucket(bucket).key("versioned")));
  }

  @Test
  void writesAskingForWhatIsNotBuiltAreRefusedAndChangeNothing() {
    Target.assumeSupportedByTarget("refuses or accepts other features than Needlestack");
    s3.putObject(r -> r.bucket(bucket).key("kept"), RequestBody.fromString("original"));
    String etag = s3.headObject(r -> r.bucket(bucket).key("kept")).eTag();
    // If-None-Match on a write takes only "*" (ConditionalWriteIT has the conditions themselves).
    assertS3Error(501, "NotImplemented", () -> s3.putObject(r -> r.bucket(bucket).key("kept")
        .ifNoneMatch(etag), RequestBody.fromString("second writer")));
    assertS3Error(501, "NotImplemented", () -> s3.putObject(r -> r.bucket(bucket).key("kept")
        .serverSideEncryption("AES256"), RequestBody.fromString("encrypted?")));
    assertS3Error(501, "NotImplemented", () -> s3.putObject(r -> r.bucket(bucket).key("kept")
        .tagging("team=a"), RequestBody.fromString("tagged?")));
    assertS3Error(400, "InvalidStorageClass", () -> s3.putObject(r -> r.bucket(bucket).key("kept")
        .storageClass("GLACIER"), RequestBody.fromString("archived?")));
    assertS3Error(400, "AccessControlListNotSupported", () -> s3.putObject(r -> r.bucket(bucket)
        .key("kept").acl("public-read"), RequestBody.fromString("public?")));
    assertS3Error(400, "MetadataTooLarge", () -> s3.putObject(r -> r.bucket(bucket).key("kept")
        .metadata(Map.of("big", "v".repeat(2046))), RequestBody.fromString("big metadata")));
    assertS3Error(501, "NotImplemented", () -> s3.copyObject(r -> r.sourceBucket(bucket)
        .sourceKey("range").destinationBucket(bucket).destinationKey("kept")
        .serverSideEncryption("AES256")));
    assertS3Error(501, "NotImplemented", () -> s3.createMultipartUpload(r -> r.bucket(bucket)
        .key("kept").tagging("team=a")));
    ResponseBytes<GetObjectResponse> after = s3.getObjectAsBytes(r -> r.bucket(bucket).key("kept"));
    assertEquals("original", after.asUtf8String());
    assertEquals(etag, after.response().eTag());
    // What a client may send: the default storage class, the owner-only ACLs, 2 KB of metadata.
    s3.putObject(r -> r.bucket(bucket).key("kept").storageClass("STANDARD").acl("private")
        .metadata(Map.of("big", "v".repeat(2045))), RequestBody.fromString("allowed"));
    assertEquals("allowed", s3.getObjectAsBytes(r -> r.bucket(bucket).key("kept")).asUtf8String());
  }

  @Test
  void listingsOfZeroKeysAreEmptyAndNotTruncated() {
    // max-keys=0 answered 500 (ListObjectsV2, ListObjectVersions) or a truncated page with no
    // marker to go on from (ListObjects, ListMultipartUploads, ListParts).
    var v2 = s3.listObjectsV2(r -> r.bucket(bucket).maxKeys(0));
    assertEquals(0, v2.keyCount());
    assertFalse(v2.isTruncated());
    assertNull(v2.nextContinuationToken());
    assertFalse(s3.listObjectsV2(r -> r.bucket(bucket).maxKeys(0).delimiter("/")).isTruncated());
    var v1 = s3.listObjects(r -> r.bucket(bucket).maxKeys(0));
    assertTrue(v1.contents().isEmpty());
    assertFalse(v1.isTruncated());
    assertFalse(s3.listObjectVersions(r -> r.bucket(bucket).maxKeys(0)).isTruncated());
    String upload = s3.createMultipartUpload(r -> r.bucket(bucket).key("zero-parts")).uploadId();
    s3.uploadPart(r -> r.bucket(bucket).key("zero-parts").uploadId(upload).partNumber(1),
        RequestBody.fromString("part"));
    var uploads = s3.listMultipartUploads(r -> r.bucket(bucket).maxUploads(0));
    assertTrue(uploads.uploads().isEmpty(), uploads.toString());
    assertFalse(uploads.isTruncated());
    var parts = s3.listParts(r -> r.bucket(bucket).key("zero-parts").uploadId(upload).maxParts(0));
    assertTrue(parts.parts().isEmpty(), parts.toString());
    assertFalse(parts.isTruncated());
    s3.abortMultipartUpload(r -> r.bucket(bucket).key("zero-parts").uploadId(upload));
  }
  @Test
  void anExpectedBucketOwnerMustBeTheOwner() {
    Target.assumeSupportedByTarget("s3proxy does not check expected bucket owners");
    String owner = s3.listBuckets().owner().id(); // the caller, who created the bucket
    assertS3Error(403, "AccessDenied", () -> s3.putObject(r -> r.bucket(bucket).key("owned")
        .expectedBucketOwner("123456789012"), RequestBody.fromString("x")));
    assertS3Error(404, "NoSuchKey", () -> s3.headObject(r -> r.bucket(bucket).key("owned")));
    s3.putObject(r -> r.bucket(bucket).key("owned").expectedBucketOwner(owner), RequestBody.fromString("x"));
    // A copy checks the source's expected owner against the source and the other against the target.
    assertS3Error(403, "AccessDenied", () -> s3.copyObject(r -> r.sourceBucket(bucket).sourceKey("owned")
        .destinationBucket(bucket).destinationKey("owned-copy").expectedSourceBucketOwner("123456789012")));
    s3.copyObject(r -> r.sourceBucket(bucket).sourceKey("owned").destinationBucket(bucket)
        .destinationKey("owned-copy").expectedSourceBucketOwner(owner).expectedBucketOwner(owner));
    assertEquals("x", s3.getObjectAsBytes(r -> r.bucket(bucket).key("owned-copy")).asUtf8String());
  }
}
