package io.needlestack.it.s3;

import static io.needlestack.it.s3.S3Assertions.assertS3Error;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.UploadPartCopyRequest;
import software.amazon.awssdk.services.s3.model.UploadPartCopyResponse;
import software.amazon.awssdk.services.s3.model.ListMultipartUploadsResponse;
import software.amazon.awssdk.services.s3.model.ListPartsResponse;
import software.amazon.awssdk.services.s3.model.Part;

/** Multipart bookkeeping and the errors CompleteMultipartUpload must give. */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class MultipartIT extends S3TestSupport {

  private static final int MIB = 1 << 20;
  private String bucket;

  @BeforeAll
  @Timeout(value = 180, unit = TimeUnit.SECONDS)
  void setUp() {
    bucket = createBucket("multipart");
  }

  private String start(String key) {
    return s3.createMultipartUpload(r -> r.bucket(bucket).key(key)).uploadId();
  }

  private CompletedPart upload(String key, String uploadId, int number, GeneratedContent c) {
    String etag = s3.uploadPart(r -> r.bucket(bucket).key(key).uploadId(uploadId)
        .partNumber(number), body(c)).eTag();
    return CompletedPart.builder().partNumber(number).eTag(etag).build();
  }

  private CompletedPart copyPart(String key, String uploadId, int number, String sourceKey,
                                 String range) {
    UploadPartCopyResponse r = s3.uploadPartCopy(UploadPartCopyRequest.builder()
        .sourceBucket(bucket).sourceKey(sourceKey).destinationBucket(bucket).destinationKey(key)
        .uploadId(uploadId).partNumber(number).copySourceRange(range).build());
    assertTrue(r.copyPartResult().lastModified() != null, r.toString());
    return CompletedPart.builder().partNumber(number).eTag(r.copyPartResult().eTag()).build();
  }

  /**
   * UploadPartCopy of ranges that cross the source's chunk boundaries (a 12 MiB source is stored
   * in 5 MiB chunks), beside a plain UploadPart: the parts' ETags are the MD5s of the copied
   * bytes and the completed object is the parts' bytes in order.
   */
  @Test
  void uploadPartCopyCopiesRangesOfAChunkedSource() throws IOException {
    GeneratedContent src = new GeneratedContent(21, 12L * MIB + 7);
    put(s3, bucket, "copy-source", src);
    String key = "copied";
    String id = start(key);
    long cut = 6L * MIB + 3;
    CompletedPart p1 = copyPart(key, id, 1, "copy-source", "bytes=0-" + (cut - 1));
    GeneratedContent middle = new GeneratedContent(22, 5 * MIB);
    CompletedPart p2 = upload(key, id, 2, middle);
    CompletedPart p3 = copyPart(key, id, 3, "copy-source", "bytes=" + cut + "-" + (src.length() - 1));
    assertEquals(src.digests(0, cut).etag(), p1.eTag());
    assertEquals(src.digests(cut, src.length() - cut).etag(), p3.eTag());
    List<Part> listed = s3.listParts(r -> r.bucket(bucket).key(key).uploadId(id)).parts();
    assertEquals(List.of(cut, 5L * MIB, src.length() - cut), listed.stream().map(Part::size).toList());

    String etag = s3.completeMultipartUpload(r -> r.bucket(bucket).key(key).uploadId(id)
        .multipartUpload(m -> m.parts(p1, p2, p3))).eTag();
    assertEquals(GeneratedContent.multipartEtag(List.of(src.digests(0, cut), middle.digests(),
        src.digests(cut, src.length() - cut))), etag);
    GeneratedContent.Digests expected;
    try (InputStream all = new SequenceInputStream(java.util.Collections.enumeration(List.of(
        src.open(0, cut), middle.open(), src.open(cut, src.length() - cut))))) {
      expected = GeneratedContent.Digests.of(all);
    }
    assertObjectEquals(s3, bucket, key, expected);
    // The source is untouched.
    assertObjectEquals(s3, bucket, "copy-source", src.digests());
  }

  /** Without x-amz-copy-source-range the whole source becomes the part. */
  @Test
  void uploadPartCopyWithoutRangeCopiesTheWholeSource() {
    GeneratedContent src = new GeneratedContent(23, 300_001);
    put(s3, bucket, "copy-whole", src);
    String key = "copied-whole";
    String id = start(key);
    CompletedPart p = copyPart(key, id, 1, "copy-whole", null);
    assertEquals(src.digests().etag(), p.eTag());
    s3.completeMultipartUpload(r -> r.bucket(bucket).key(key).uploadId(id)
        .multipartUpload(m -> m.parts(p)));
    assertObjectEquals(s3, bucket, key, src.digests());
  }

  /** Each refusal leaves the upload without parts. */
  @Test
  void uploadPartCopyRefusalsChangeNothing() {
    Target.assumeSupportedByTarget("s3proxy's answers to bad UploadPartCopy requests differ "
        + "from S3's");
    GeneratedContent src = new GeneratedContent(24, 1000);
    put(s3, bucket, "copy-small", src);
    String etag = s3.headObject(r -> r.bucket(bucket).key("copy-small")).eTag();
    String key = "copy-refused";
    String id = start(key);
    assertS3Error(400, "InvalidArgument", () -> copyPart(key, id, 1, "copy-small", "bytes=0-1000"));
    assertS3Error(400, "InvalidArgument", () -> copyPart(key, id, 1, "copy-small", "bytes=10-"));
    assertS3Error(400, "InvalidArgument", () -> copyPart(key, id, 1, "copy-small", "bytes=9-3"));
    assertS3Error(404, "NoSuchKey", () -> copyPart(key, id, 1, "no-such-source", null));
    assertS3Error(412, "PreconditionFailed", () -> s3.uploadPartCopy(UploadPartCopyRequest.builder()
        .sourceBucket(bucket).sourceKey("copy-small").destinationBucket(bucket).destinationKey(key)
        .uploadId(id).partNumber(1).copySourceIfMatch("\"0123456789abcdef0123456789abcdef\"").build()));
    assertS3Error(404, "NoSuchUpload", () -> copyPart(key, "no-such-upload-id", 1, "copy-small", null));
    assertS3Error(400, "InvalidArgument", () -> copyPart(key, id, 10_001, "copy-small", null));
    assertTrue(s3.listParts(r -> r.bucket(bucket).key(key).uploadId(id)).parts().isEmpty(),
        "a refused copy left a part");
    // The condition that holds passes.
    CompletedPart ok = CompletedPart.builder().partNumber(1).eTag(s3.uploadPartCopy(
        UploadPartCopyRequest.builder().sourceBucket(bucket).sourceKey("copy-small")
            .destinationBucket(bucket).destinationKey(key).uploadId(id).partNumber(1)
            .copySourceIfMatch(etag).build()).copyPartResult().eTag()).build();
    assertEquals(src.digests().etag(), ok.eTag());
    s3.abortMultipartUpload(r -> r.bucket(bucket).key(key).uploadId(id));
  }

  @Test
  void listPartsAndUploadsThenAbort() {
    String key = "listparts";
    String id = start(key);
    GeneratedContent p1 = new GeneratedContent(1, 5 * MIB);
    GeneratedContent p2 = new GeneratedContent(2, 1234);
    upload(key, id, 1, p1);
    upload(key, id, 2, p2);
    ListPartsResponse parts = s3.listParts(r -> r.bucket(bucket).key(key).uploadId(id));
    assertEquals(List.of(1, 2), parts.parts().stream().map(Part::partNumber).toList(),
        parts.toString());
    assertEquals(5L * MIB, parts.parts().get(0).size());
    assertEquals(1234L, parts.parts().get(1).size());
    assertEquals(p1.digests().etag(), parts.parts().get(0).eTag());
    assertEquals(p2.digests().etag(), parts.parts().get(1).eTag());

    ListMultipartUploadsResponse uploads = s3.listMultipartUploads(r -> r.bucket(bucket));
    assertTrue(uploads.uploads().stream().anyMatch(u -> u.uploadId().equals(id)
        && u.key().equals(key)), uploads.toString());

    s3.abortMultipartUpload(r -> r.bucket(bucket).key(key).uploadId(id));
    assertS3Error(404, null, () -> s3.headObject(r -> r.bucket(bucket).key(key)));
    assertTrue(s3.listMultipartUploads(r -> r.bucket(bucket)).uploads().stream()
        .noneMatch(u -> u.uploadId().equals(id)), "aborted upload still listed");
  }

  @Test
  void abortedUploadIsNoSuchUpload() {
    Target.assumeSupportedByTarget("s3proxy's filesystem back-end answers ListParts and "
        + "UploadPart of an aborted upload id as if it were still open");
    String key = "aborted";
    String id = start(key);
    upload(key, id, 1, new GeneratedContent(9, 1000));
    s3.abortMultipartUpload(r -> r.bucket(bucket).key(key).uploadId(id));
    assertS3Error(404, "NoSuchUpload", () -> s3.listParts(r -> r.bucket(bucket).key(key)
        .uploadId(id)));
    assertS3Error(404, "NoSuchUpload", () -> s3.uploadPart(r -> r.bucket(bucket).key(key)
        .uploadId(id).partNumber(2), RequestBody.fromString("late")));
  }

  @Test
  void completeWithWrongEtagIsInvalidPart() {
    String key = "wrongetag";
    String id = start(key);
    upload(key, id, 1, new GeneratedContent(3, 5 * MIB));
    CompletedPart bogus = CompletedPart.builder().partNumber(1)
        .eTag("\"00000000000000000000000000000000\"").build();
    assertS3Error(400, "InvalidPart", () -> s3.completeMultipartUpload(r -> r.bucket(bucket)
        .key(key).uploadId(id).multipartUpload(m -> m.parts(bogus))));
    CompletedPart missing = CompletedPart.builder().partNumber(7)
        .eTag(new GeneratedContent(3, 5 * MIB).digests().etag()).build();
    assertS3Error(400, "InvalidPart", () -> s3.completeMultipartUpload(r -> r.bucket(bucket)
        .key(key).uploadId(id).multipartUpload(m -> m.parts(missing))));
    s3.abortMultipartUpload(r -> r.bucket(bucket).key(key).uploadId(id));
  }

  @Test
  void completeWithPartsOutOfOrderIsInvalidPartOrder() {
    Target.assumeSupportedByTarget("s3proxy completes an upload whose parts are listed out of "
        + "order instead of answering InvalidPartOrder");
    String key = "order";
    String id = start(key);
    CompletedPart a = upload(key, id, 1, new GeneratedContent(4, 5 * MIB));
    CompletedPart b = upload(key, id, 2, new GeneratedContent(5, 100));
    assertS3Error(400, "InvalidPartOrder", () -> s3.completeMultipartUpload(r -> r.bucket(bucket)
        .key(key).uploadId(id).multipartUpload(m -> m.parts(b, a))));
    // The upload survives a refused completion and can still complete in order.
    s3.completeMultipartUpload(r -> r.bucket(bucket).key(key).uploadId(id)
        .multipartUpload(m -> m.parts(a, b)));
    assertEquals(5L * MIB + 100, s3.headObject(r -> r.bucket(bucket).key(key)).contentLength());
  }

  @Test
  void smallPartThatIsNotLastIsEntityTooSmall() {
    String key = "toosmall";
    String id = start(key);
    CompletedPart a = upload(key, id, 1, new GeneratedContent(6, MIB));
    CompletedPart b = upload(key, id, 2, new GeneratedContent(7, MIB));
    assertS3Error(400, "EntityTooSmall", () -> s3.completeMultipartUpload(r -> r.bucket(bucket)
        .key(key).uploadId(id).multipartUpload(m -> m.parts(a, b))));
    s3.abortMultipartUpload(r -> r.bucket(bucket).key(key).uploadId(id));
  }

  @Test
  void singleSmallPartIsAllowedAsLastPart() {
    String key = "onepart";
    String id = start(key);
    GeneratedContent c = new GeneratedContent(8, 10);
    CompletedPart a = upload(key, id, 1, c);
    String etag = s3.completeMultipartUpload(r -> r.bucket(bucket).key(key).uploadId(id)
        .multipartUpload(m -> m.parts(a))).eTag();
    assertEquals(GeneratedContent.multipartEtag(List.of(c.digests())), etag);
    assertObjectEquals(s3, bucket, key, c.digests());
  }

  /**
   * CompleteMultipartUpload's Location is the object's absolute URL as the client addressed the
   * node (path style here), its key URL-encoded: it decodes to the bucket and key.
   */
  @Test
  void completeAnswersTheObjectsAbsoluteUrl() throws Exception {
    String key = "dir/one part+é";
    String id = start(key);
    GeneratedContent c = new GeneratedContent(9, 10);
    CompletedPart a = upload(key, id, 1, c);
    String location = s3.completeMultipartUpload(r -> r.bucket(bucket).key(key).uploadId(id)
        .multipartUpload(m -> m.parts(a))).location();
    String endpoint = node.endpoint().toString().replaceAll("/$", "");
    assertEquals(endpoint + "/" + bucket + "/dir/one%20part%2B%C3%A9", location);
    assertEquals("/" + bucket + "/" + key, java.net.URI.create(location).getPath());
  }

  @Test
  void unknownUploadIdIsNoSuchUpload() {
    CompletedPart p = CompletedPart.builder().partNumber(1)
        .eTag("\"00000000000000000000000000000000\"").build();
    assertS3Error(404, "NoSuchUpload", () -> s3.completeMultipartUpload(r -> r.bucket(bucket)
        .key("nokey").uploadId("no-such-upload-id").multipartUpload(m -> m.parts(p))));
    assertS3Error(404, "NoSuchUpload", () -> s3.abortMultipartUpload(r -> r.bucket(bucket)
        .key("nokey").uploadId("no-such-upload-id")));
  }
  /**
   * GetObject and HeadObject with partNumber (what the SDKs' multipart downloads ask for): the
   * part's bytes with 206, Content-Range and x-amz-mp-parts-count. The parameter used to be
   * ignored, so every part number answered the whole object.
   */
  @Test
  void getAndHeadByPartNumber() {
    String key = "by-part";
    String id = start(key);
    // part 1 spans two 5 MiB chunks; parts 2 and 3 one each
    GeneratedContent p1 = new GeneratedContent(41, 6 * MIB + 5);
    GeneratedContent p2 = new GeneratedContent(42, 5 * MIB);
    GeneratedContent p3 = new GeneratedContent(43, 1000);
    CompletedPart a = upload(key, id, 1, p1);
    CompletedPart b = upload(key, id, 2, p2);
    CompletedPart c = upload(key, id, 3, p3);
    s3.completeMultipartUpload(r -> r.bucket(bucket).key(key).uploadId(id)
        .multipartUpload(m -> m.parts(a, b, c)));
    long total = p1.length() + p2.length() + p3.length();
    long[] starts = {0, p1.length(), p1.length() + p2.length()};
    GeneratedContent[] parts = {p1, p2, p3};
    for (int i = 0; i < 3; i++) {
      int n = i + 1;
      var got = s3.getObjectAsBytes(r -> r.bucket(bucket).key(key).partNumber(n));
      assertEquals(206, got.response().sdkHttpResponse().statusCode());
      assertEquals(3, got.response().partsCount());
      long last = starts[i] + parts[i].length() - 1;
      assertEquals("bytes " + starts[i] + "-" + last + "/" + total, got.response().contentRange());
      assertTrue(java.util.Arrays.equals(parts[i].bytes(0, (int) parts[i].length()), got.asByteArray()),
          "part " + n + " bytes");
      var head = s3.headObject(r -> r.bucket(bucket).key(key).partNumber(n));
      assertEquals(parts[i].length(), head.contentLength());
      assertEquals(3, head.partsCount());
    }
    assertS3Error(416, "InvalidPartNumber",
        () -> s3.getObjectAsBytes(r -> r.bucket(bucket).key(key).partNumber(4)));
    assertS3Error(400, "InvalidArgument",
        () -> s3.getObjectAsBytes(r -> r.bucket(bucket).key(key).partNumber(0)));
    assertS3Error(400, "InvalidRequest",
        () -> s3.getObjectAsBytes(r -> r.bucket(bucket).key(key).partNumber(1).range("bytes=0-1")));

    // Any other object is one part.
    GeneratedContent single = new GeneratedContent(44, 300);
    s3.putObject(r -> r.bucket(bucket).key("single-part"), body(single));
    var whole = s3.getObjectAsBytes(r -> r.bucket(bucket).key("single-part").partNumber(1));
    assertTrue(java.util.Arrays.equals(single.bytes(0, 300), whole.asByteArray()));
    assertEquals(null, whole.response().partsCount());
    assertS3Error(416, "InvalidPartNumber",
        () -> s3.getObjectAsBytes(r -> r.bucket(bucket).key("single-part").partNumber(2)));
  }
}
