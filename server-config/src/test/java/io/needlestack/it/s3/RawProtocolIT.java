package io.needlestack.it.s3;

import static io.needlestack.it.s3.S3Assertions.assertNoServerFault;
import static io.needlestack.it.s3.S3Assertions.assertRawError;
import static io.needlestack.it.s3.S3Assertions.assertS3Error;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;

/**
 * Requests made by hand: every {@code x-amz-content-sha256} form, corrupted bodies, invalid
 * names, malformed XML, a missing Content-Length and virtual-host addressing. No answer may be a
 * 5xx or leak a stack trace.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RawProtocolIT extends S3TestSupport {

  /** Payara's own keep-alive bound, which the node raises (bin/needlestack --keep-alive, 120 s). */
  private static final Duration PAYARA_KEEP_ALIVE = Duration.ofSeconds(30);

  private RawS3 raw;
  private String bucket;
  /** A kept-alive connection that answered one request in setUp and is idle until the last test. */
  private RawHttp.KeptAlive idle;
  private long idleSince;

  @BeforeAll
  @Timeout(value = 180, unit = TimeUnit.SECONDS)
  void setUp() throws IOException {
    raw = new RawS3(node);
    bucket = createBucket("raw");
    if (Target.current() != Target.S3PROXY) {
      idle = new RawHttp.KeptAlive(node.endpoint().getPort(), 20_000);
      RawHttp.Response first = health(idle);
      assertEquals(200, first.status(), first.toString());
      assertTrue(first.header("content-length") != null, "no Content-Length (the connection could not be kept): "
          + first);
      idleSince = System.nanoTime();
    }
  }

  @AfterAll
  void closeIdle() throws IOException {
    if (idle != null) {
      idle.close();
    }
  }

  private RawHttp.Response checked(RawHttp.Response r) {
    assertNoServerFault(r);
    assertTrue(r.header("x-amz-request-id") != null, "no x-amz-request-id: " + r);
    return r;
  }

  @ParameterizedTest
  @EnumSource(RawS3.PayloadForm.class)
  void everyPayloadFormStoresTheBytes(RawS3.PayloadForm form) {
    // Over two 128 KiB signer chunks plus a partial one.
    GeneratedContent c = new GeneratedContent(form.ordinal() + 100, 300_000);
    byte[] data = c.bytes(0, 300_000);
    String key = "form/" + form;
    RawHttp.Response put = checked(raw.send("PUT", "/" + bucket + "/" + key,
        Map.of("Content-Type", "application/x-form"), data, form));
    assertEquals(200, put.status(), put.toString());
    String declared = raw.lastSent().firstMatchingHeader("x-amz-content-sha256").orElse(null);
    assertTrue(declared != null && declared.matches(form.declared), form + " sent " + declared);
    assertEquals(c.digests().etag(), put.header("etag"), put.toString());
    assertObjectEquals(s3, bucket, key, c.digests());
    HeadObjectResponse head = s3.headObject(r -> r.bucket(bucket).key(key));
    assertEquals("application/x-form", head.contentType());
    assertFalse(head.contentEncoding() != null && head.contentEncoding().contains("aws-chunked"),
        "aws-chunked stored as Content-Encoding: " + head.contentEncoding());
  }

  /** Flips one byte in the middle of the data, past the first chunk header. */
  private static final UnaryOperator<byte[]> FLIP = b -> {
    byte[] copy = b.clone();
    copy[copy.length / 2] ^= 0x5A;
    return copy;
  };

  @Test
  void corruptedSignedTrailerUploadIsRejected() {
    RawHttp.Response r = checked(raw.send("PUT", null, "/" + bucket + "/corrupt-signed-trailer",
        Map.of(), new byte[300_000], RawS3.PayloadForm.STREAMING_SIGNED_TRAILER,
        node.accessKey(), node.secretKey(), FLIP));
    assertRawError(r, 403, "SignatureDoesNotMatch");
    assertEquals(404, raw.send("HEAD", "/" + bucket + "/corrupt-signed-trailer", Map.of(), null,
        RawS3.PayloadForm.UNSIGNED_PAYLOAD).status());
  }

  @Test
  void corruptedSignedBodyIsRejected() {
    RawHttp.Response hex = checked(raw.send("PUT", null, "/" + bucket + "/corrupt-hex", Map.of(),
        new byte[4096], RawS3.PayloadForm.HEX_SHA256, node.accessKey(), node.secretKey(), FLIP));
    assertRawError(hex, 400, "XAmzContentSHA256Mismatch");
    RawHttp.Response chunked = checked(raw.send("PUT", null, "/" + bucket + "/corrupt-chunk",
        Map.of(), new byte[300_000], RawS3.PayloadForm.STREAMING_SIGNED, node.accessKey(),
        node.secretKey(), FLIP));
    assertRawError(chunked, 403, "SignatureDoesNotMatch");
    assertEquals(404, raw.send("HEAD", "/" + bucket + "/corrupt-hex", Map.of(), null,
        RawS3.PayloadForm.UNSIGNED_PAYLOAD).status());
    assertEquals(404, raw.send("HEAD", "/" + bucket + "/corrupt-chunk", Map.of(), null,
        RawS3.PayloadForm.UNSIGNED_PAYLOAD).status());
  }

  @Test
  void wrongTrailerChecksumIsBadDigest() {
    Target.assumeSupportedByTarget("s3proxy does not verify the x-amz-checksum-crc32 trailer of "
        + "STREAMING-UNSIGNED-PAYLOAD-TRAILER uploads: it stores the corrupted body (200)");
    RawHttp.Response r = checked(raw.send("PUT", null, "/" + bucket + "/corrupt-trailer",
        Map.of(), new byte[300_000], RawS3.PayloadForm.STREAMING_UNSIGNED_TRAILER,
        node.accessKey(), node.secretKey(), FLIP));
    assertRawError(r, 400, "BadDigest");
    assertEquals(404, raw.send("HEAD", "/" + bucket + "/corrupt-trailer", Map.of(), null,
        RawS3.PayloadForm.UNSIGNED_PAYLOAD).status());
  }

  @ParameterizedTest
  @ValueSource(strings = {"ab", "-leading-dash", "192.168.10.20"})
  void invalidBucketNamesAreRefused(String name) {
    assertInvalidBucketName(name);
  }

  @ParameterizedTest
  @ValueSource(strings = {"Upper-Case", "under_score", "trailing-dash-", "double..dot",
      "a123456789a123456789a123456789a123456789a123456789a123456789abcd"})
  void moreInvalidBucketNamesAreRefused(String name) {
    Target.assumeSupportedByTarget("s3proxy's filesystem back-end creates buckets with upper "
        + "case, underscores, a trailing dash, '..' or 64 characters");
    assertInvalidBucketName(name);
  }

  private void assertInvalidBucketName(String name) {
    RawHttp.Response r = checked(raw.send("PUT", "/" + name, Map.of(), new byte[0],
        RawS3.PayloadForm.HEX_SHA256));
    assertRawError(r, 400, "InvalidBucketName");
  }

  /** A key of {@code length} bytes in 100-byte path segments (file systems cap a name at 255). */
  private static String longKey(int length) {
    StringBuilder b = new StringBuilder();
    while (b.length() < length) {
      b.append(b.length() % 100 == 99 ? '/' : 'k');
    }
    return b.toString();
  }

  @Test
  void keyOver1024BytesIsKeyTooLong() {
    Target.assumeSupportedByTarget("s3proxy stores keys over 1024 bytes (in 100-byte segments)");
    String key = longKey(1025);
    RawHttp.Response r = checked(raw.send("PUT", "/" + bucket + "/" + key, Map.of(),
        "x".getBytes(StandardCharsets.UTF_8), RawS3.PayloadForm.HEX_SHA256));
    assertRawError(r, 400, "KeyTooLongError");
  }

  @Test
  void keyOf1024BytesIsAllowed() {
    String longest = longKey(1024);
    RawHttp.Response ok = checked(raw.send("PUT", "/" + bucket + "/" + longest, Map.of(),
        "x".getBytes(StandardCharsets.UTF_8), RawS3.PayloadForm.HEX_SHA256));
    assertEquals(200, ok.status(), ok.toString());
  }

  private static String md5Base64(byte[] b) {
    return Base64.getEncoder().encodeToString(GeneratedContent.newDigest("MD5").digest(b));
  }

  @Test
  void malformedDeleteObjectsXmlIsMalformedXml() {
    byte[] body = "<Delete><Object><Key>a</Key></Obj".getBytes(StandardCharsets.UTF_8);
    RawHttp.Response r = checked(raw.send("POST", "/" + bucket + "?delete",
        Map.of("Content-MD5", md5Base64(body), "Content-Type", "application/xml"), body,
        RawS3.PayloadForm.HEX_SHA256));
    assertRawError(r, 400, "MalformedXML");
  }

  @Test
  void malformedCompleteMultipartXmlIsMalformedXml() {
    String id = s3.createMultipartUpload(q -> q.bucket(bucket).key("badxml")).uploadId();
    try {
      byte[] body = "<CompleteMultipartUpload><Part><PartNumber>one"
          .getBytes(StandardCharsets.UTF_8);
      RawHttp.Response r = checked(raw.send("POST", "/" + bucket + "/badxml?uploadId="
              + java.net.URLEncoder.encode(id, StandardCharsets.UTF_8),
          Map.of("Content-Type", "application/xml"), body, RawS3.PayloadForm.HEX_SHA256));
      assertRawError(r, 400, "MalformedXML");
    } finally {
      s3.abortMultipartUpload(q -> q.bucket(bucket).key("badxml").uploadId(id));
    }
  }

  @Test
  void putWithoutContentLengthIsMissingContentLength() {
    RawHttp.Response r = checked(raw.sendWithoutContentLength("PUT", "/" + bucket + "/nolength",
        "some bytes".getBytes(StandardCharsets.UTF_8)));
    assertRawError(r, 411, "MissingContentLength");
  }

  /**
   * A client that stops sending half-way through its declared body gets S3's 400 RequestTimeout
   * once the node's read timeout ({@code --read-timeout}, default 20 s as S3; Payara's own would
   * be 30 s) runs out, and nothing is stored. It used to get 503 "storage unavailable", which
   * invites a retry of a request the store had nothing to do with, and the node logged a warning.
   */
  @Test
  void aClientThatStopsSendingIsRequestTimeoutAndNothingIsStored() {
    Target.assumeSupportedByTarget("s3proxy's Jetty answers a stalled body its own way");
    long t0 = System.nanoTime();
    RawHttp.Response r = checked(raw.send("PUT", "/" + bucket + "/stalled",
        Map.of("Content-Length", "100000"), new byte[1000], RawS3.PayloadForm.UNSIGNED_PAYLOAD));
    double seconds = (System.nanoTime() - t0) / 1e9;
    assertRawError(r, 400, "RequestTimeout");
    // The node's 20 s, not Payara's 30 s (and not an early answer).
    assertTrue(seconds >= 15 && seconds < 29, "RequestTimeout after " + seconds + " s");
    assertS3Error(404, null, () -> s3.headObject(q -> q.bucket(bucket).key("stalled")));
  }

  @Test
  void virtualHostStyleAddressing() {
    byte[] data = "virtual host".getBytes(StandardCharsets.UTF_8);
    RawHttp.Response put = checked(raw.sendVirtualHost(bucket, "PUT", "/vhost/key.txt",
        Map.of(), data, RawS3.PayloadForm.STREAMING_SIGNED));
    assertEquals(200, put.status(), put.toString());
    RawHttp.Response get = checked(raw.sendVirtualHost(bucket, "GET", "/vhost/key.txt",
        Map.of(), null, RawS3.PayloadForm.UNSIGNED_PAYLOAD));
    assertEquals(200, get.status(), get.toString());
    assertArrayEquals(data, get.body());
    RawHttp.Response list = checked(raw.sendVirtualHost(bucket, "GET", "/?list-type=2&prefix=vhost",
        Map.of(), null, RawS3.PayloadForm.HEX_SHA256));
    assertEquals(200, list.status(), list.toString());
    assertTrue(list.text().contains("<Key>vhost/key.txt</Key>"), list.toString());
    assertEquals("virtual host", s3.getObjectAsBytes(r -> r.bucket(bucket)
        .key("vhost/key.txt")).asUtf8String());
  }

  @Test
  void unknownQueryVerbsAndMethodsDoNotFault() {
    checked(raw.send("GET", "/" + bucket + "?no-such-subresource", Map.of(), null,
        RawS3.PayloadForm.UNSIGNED_PAYLOAD));
    checked(raw.send("PATCH", "/" + bucket + "/k", Map.of(), new byte[1],
        RawS3.PayloadForm.HEX_SHA256));
    checked(raw.send("GET", "/" + bucket + "/k?partNumber=abc", Map.of(), null,
        RawS3.PayloadForm.UNSIGNED_PAYLOAD));
    checked(raw.send("GET", "/" + bucket + "?list-type=2&max-keys=-5", Map.of(), null,
        RawS3.PayloadForm.UNSIGNED_PAYLOAD));
  }

  /**
   * A connection left idle past Payara's 30 s keep-alive is still served. With the 30 s bound, an
   * AWS SDK for Java (idle connections kept up to 60 s) sending its next request just as the server
   * closed the connection got "Broken pipe" instead of an answer; the node's longer bound lets the
   * client close first. Runs last, so the idle time is mostly spent by the other tests.
   */
  @Test
  @Order(Integer.MAX_VALUE)
  @Timeout(value = 90, unit = TimeUnit.SECONDS)
  void aConnectionIdleLongerThanPayarasKeepAliveIsStillServed() throws Exception {
    Target.assumeSupportedByTarget("s3proxy's Jetty closes idle connections on its own schedule");
    // Payara checks its keep-alive bound about once a second; 5 s past it leaves no doubt.
    long left = PAYARA_KEEP_ALIVE.plusSeconds(5).toNanos() - (System.nanoTime() - idleSince);
    if (left > 0) {
      TimeUnit.NANOSECONDS.sleep(left);
    }
    assertEquals(200, health(idle).status(), "the idle connection was not served again");
  }

  /** GET /_health on {@code connection}, which stays open. */
  private RawHttp.Response health(RawHttp.KeptAlive connection) throws IOException {
    return connection.exchange("GET", "/_health",
        List.<String[]>of(new String[] {"Host", node.endpoint().getHost() + ":" + node.endpoint().getPort()}));
  }
}
