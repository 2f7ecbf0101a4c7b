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
 * 512 MiB objects through a server with a 256 MiB heap, single PUT and multipart, streamed from
 * generated content and compared by digest: the server must stream, never buffer an object (one
 * object is twice its heap; 1 GiB proved nothing more and took 30 s more of every CI run).
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class BigObjectIT extends S3TestSupport {

  /** It measures a server of a small heap alone, and leaves 1 GiB behind. */
  @Override
  protected boolean sharesServer() {
    return false;
  }

  private static final long SIZE = 512L << 20;
  private static final GeneratedContent CONTENT = new GeneratedContent(1_073_741_824L, SIZE);
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
      expected = CONTENT.digests();
    }
  }

  @Test
  void halfGibSinglePut() {
    String etag = put(s3, bucket, "single-512m", CONTENT).eTag();
    assertEquals(expected.etag(), etag);
    assertEquals(SIZE, s3.headObject(r -> r.bucket(bucket).key("single-512m")).contentLength());
    assertObjectEquals(s3, bucket, "single-512m", expected);
    byte[] tail = s3.getObjectAsBytes(r -> r.bucket(bucket).key("single-512m")
        .range("bytes=-4096")).asByteArray();
    assertArrayEquals(CONTENT.bytes(SIZE - 4096, 4096), tail);
    assertTrue(node.isRunning(), "server died; log:\n" + node.logTail());
  }

  @Test
  void halfGibMultipartIn64MiBParts() {
    long partSize = 64L << 20;
    String key = "multipart-512m";
    String id = s3.createMultipartUpload(r -> r.bucket(bucket).key(key)).uploadId();
    List<CompletedPart> parts = new ArrayList<>();
    List<GeneratedContent.Digests> partDigests = new ArrayList<>();
    for (long off = 0; off < SIZE; off += partSize) {
      int n = parts.size() + 1;
      long start = off;
      String etag = s3.uploadPart(r -> r.bucket(bucket).key(key).uploadId(id).partNumber(n),
          RequestBody.fromContentProvider(() -> CONTENT.open(start, partSize), partSize,
              "application/octet-stream")).eTag();
      parts.add(CompletedPart.builder().partNumber(n).eTag(etag).build());
      partDigests.add(CONTENT.digests(start, partSize));
    }
    String etag = s3.completeMultipartUpload(r -> r.bucket(bucket).key(key).uploadId(id)
        .multipartUpload(m -> m.parts(parts))).eTag();
    assertEquals(GeneratedContent.multipartEtag(partDigests), etag);
    assertObjectEquals(s3, bucket, key, expected);
    // A range across the boundary of parts 4 and 5.
    long boundary = 4 * partSize;
    byte[] across = s3.getObjectAsBytes(r -> r.bucket(bucket).key(key)
        .range("bytes=" + (boundary - 1000) + "-" + (boundary + 999))).asByteArray();
    assertArrayEquals(CONTENT.bytes(boundary - 1000, 2000), across);
    assertTrue(node.isRunning(), "server died; log:\n" + node.logTail());
  }
}
