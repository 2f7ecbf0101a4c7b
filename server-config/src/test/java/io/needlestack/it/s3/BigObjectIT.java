package io.needlestack.it.s3;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.CompletedPart;

/**
 * 1 GiB objects through a server with a 256 MiB heap, single PUT and multipart, streamed from
 * generated content and compared by digest: the server must stream, never buffer an object.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class BigObjectIT extends S3TestSupport {

  /** It measures a server of a small heap alone, and leaves 2 GiB behind. */
  @Override
  protected boolean sharesServer() {
    return false;
  }

  private static final long GIB = 1L << 30;
  private static final GeneratedContent ONE_GIB = new GeneratedContent(1_073_741_824L, GIB);
  private static GeneratedContent.Digests expected;
  private String bucket;

  @Override
  protected String serverHeap() {
    return "256m";
  }

  @BeforeAll
  @Timeout(value = 180, unit = TimeUnit.SECONDS)
  void setUp() {
    bucket = createBucket("big");
    if (expected == null) {
      expected = ONE_GIB.digests();
    }
  }

  @Test
  void oneGibSinglePut() {
    String etag = put(s3, bucket, "single-1g", ONE_GIB).eTag();
    assertEquals(expected.etag(), etag);
    assertEquals(GIB, s3.headObject(r -> r.bucket(bucket).key("single-1g")).contentLength());
    assertObjectEquals(s3, bucket, "single-1g", expected);
    byte[] tail = s3.getObjectAsBytes(r -> r.bucket(bucket).key("single-1g")
        .range("bytes=-4096")).asByteArray();
    assertArrayEquals(ONE_GIB.bytes(GIB - 4096, 4096), tail);
    assertTrue(node.isRunning(), "server died; log:\n" + node.logTail());
  }

  @Test
  void oneGibMultipartIn64MiBParts() {
    long partSize = 64L << 20;
    String key = "multipart-1g";
    String id = s3.createMultipartUpload(r -> r.bucket(bucket).key(key)).uploadId();
    List<CompletedPart> parts = new ArrayList<>();
    List<GeneratedContent.Digests> partDigests = new ArrayList<>();
    for (long off = 0; off < GIB; off += partSize) {
      int n = parts.size() + 1;
      long start = off;
      String etag = s3.uploadPart(r -> r.bucket(bucket).key(key).uploadId(id).partNumber(n),
          RequestBody.fromContentProvider(() -> ONE_GIB.open(start, partSize), partSize,
              "application/octet-stream")).eTag();
      parts.add(CompletedPart.builder().partNumber(n).eTag(etag).build());
      partDigests.add(ONE_GIB.digests(start, partSize));
    }
    String etag = s3.completeMultipartUpload(r -> r.bucket(bucket).key(key).uploadId(id)
        .multipartUpload(m -> m.parts(parts))).eTag();
    assertEquals(GeneratedContent.multipartEtag(partDigests), etag);
    assertObjectEquals(s3, bucket, key, expected);
    // A range across the boundary of parts 8 and 9.
    long boundary = 8 * partSize;
    byte[] across = s3.getObjectAsBytes(r -> r.bucket(bucket).key(key)
        .range("bytes=" + (boundary - 1000) + "-" + (boundary + 999))).asByteArray();
    assertArrayEquals(ONE_GIB.bytes(boundary - 1000, 2000), across);
    assertTrue(node.isRunning(), "server died; log:\n" + node.logTail());
  }
}
