package io.needlestack.it.s3;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import software.amazon.awssdk.checksums.DefaultChecksumAlgorithm;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4FamilyHttpSigner;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignRequest;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * Hand-made S3 requests signed with the SDK's SigV4 signer and sent over {@link RawHttp}, so a
 * test controls every header, the payload form and the Host, and sees the raw answer.
 */
final class RawS3 {

  /** How the body is declared in {@code x-amz-content-sha256}. */
  enum PayloadForm {
    HEX_SHA256(true, false, false, "[0-9a-f]{64}"),
    UNSIGNED_PAYLOAD(false, false, false, "UNSIGNED-PAYLOAD"),
    STREAMING_SIGNED(true, true, false, "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"),
    STREAMING_SIGNED_TRAILER(true, true, true, "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER"),
    STREAMING_UNSIGNED_TRAILER(false, true, true, "STREAMING-UNSIGNED-PAYLOAD-TRAILER");

    final boolean signPayload;
    final boolean chunked;
    final boolean trailer;
    /** What {@code x-amz-content-sha256} must say for this form (a regular expression). */
    final String declared;

    PayloadForm(boolean signPayload, boolean chunked, boolean trailer, String declared) {
      this.signPayload = signPayload;
      this.chunked = chunked;
      this.trailer = trailer;
      this.declared = declared;
    }
  }

  private final NodeUnderTest node;
  private final AwsV4HttpSigner signer = AwsV4HttpSigner.create();
  private volatile SdkHttpRequest lastSent;

  RawS3(NodeUnderTest node) {
    this.node = node;
  }

  /** A path-style request; {@code pathAndQuery} is already URL-encoded. */
  RawHttp.Response send(String method, String pathAndQuery, Map<String, String> headers,
      byte[] body, PayloadForm form) {
    return send(method, null, pathAndQuery, headers, body, form, node.accessKey(),
        node.secretKey());
  }

  /** As {@link #send}, addressed virtual-host style: {@code Host: <bucket>.localhost:port}. */
  RawHttp.Response sendVirtualHost(String bucket, String method, String pathAndQuery,
      Map<String, String> headers, byte[] body, PayloadForm form) {
    return send(method, bucket + ".localhost", pathAndQuery, headers, body, form,
        node.accessKey(), node.secretKey());
  }

  RawHttp.Response send(String method, String hostName, String pathAndQuery,
      Map<String, String> headers, byte[] body, PayloadForm form, String accessKey,
      String secretKey) {
    return send(method, hostName, pathAndQuery, headers, body, form, accessKey, secretKey,
        UnaryOperator.identity());
  }

  /**
   * As {@link #send(String, String, String, Map, byte[], PayloadForm, String, String)}, passing
   * the encoded payload (after signing, aws-chunked framing included) through {@code tamper}
   * before it is sent, to corrupt a request the signer made valid.
   */
  RawHttp.Response send(String method, String hostName, String pathAndQuery,
      Map<String, String> headers, byte[] body, PayloadForm form, String accessKey,
      String secretKey, UnaryOperator<byte[]> tamper) {
    int port = node.endpoint().getPort();
    String host = hostName == null ? node.endpoint().getHost() : hostName;
    SdkHttpRequest.Builder req = SdkHttpRequest.builder()
        .method(SdkHttpMethod.fromValue(method))
        .uri(signingUri(host, port, pathAndQuery));
    headers.forEach(req::putHeader);
    byte[] payload = body == null ? new byte[0] : body;
    if (body != null && !headers.containsKey("Content-Length")) {
      req.putHeader("Content-Length", Integer.toString(payload.length));
    }
    SignedRequest signed = sign(req.build(), body == null ? null : () ->
        new ByteArrayInputStream(payload), form, accessKey, secretKey, null, null);
    InputStream encoded = signed.payload().map(ContentStreamProvider::newStream).orElse(null);
    if (encoded != null) {
      try (InputStream in = encoded) {
        encoded = new ByteArrayInputStream(tamper.apply(in.readAllBytes()));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return transmit(signed, method, encoded);
  }

  /** Sends a request whose headers are given exactly, unsigned (anonymous). */
  RawHttp.Response sendAnonymous(String method, String pathAndQuery, Map<String, String> headers,
      byte[] body) {
    List<String[]> h = new ArrayList<>();
    h.add(new String[] {"Host", node.endpoint().getAuthority()});
    headers.forEach((k, v) -> h.add(new String[] {k, v}));
    if (body != null && !headers.containsKey("Content-Length")) {
      h.add(new String[] {"Content-Length", Integer.toString(body.length)});
    }
    try {
      return RawHttp.exchange(node.endpoint().getPort(), method, pathAndQuery, h,
          body == null ? null : new ByteArrayInputStream(body), method.equals("HEAD"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Signs a request without Content-Length and sends headers only, as a client that streams
   * without declaring a length or chunking would.
   */
  RawHttp.Response sendWithoutContentLength(String method, String pathAndQuery, byte[] body) {
    SdkHttpRequest req = SdkHttpRequest.builder()
        .method(SdkHttpMethod.fromValue(method))
        .uri(signingUri(node.endpoint().getHost(), node.endpoint().getPort(), pathAndQuery))
        .build();
    SignedRequest signed = sign(req, null, PayloadForm.UNSIGNED_PAYLOAD, node.accessKey(),
        node.secretKey(), null, null);
    return transmit(signed, method, new ByteArrayInputStream(body));
  }

  /** A presigned URL (query-string SigV4) valid for {@code expiry} from {@code signedAt}. */
  URI presign(String method, String pathAndQuery, Duration expiry, Instant signedAt) {
    SdkHttpRequest req = SdkHttpRequest.builder()
        .method(SdkHttpMethod.fromValue(method))
        .uri(signingUri(node.endpoint().getHost(), node.endpoint().getPort(), pathAndQuery))
        .build();
    SignedRequest signed = sign(req, null, PayloadForm.UNSIGNED_PAYLOAD, node.accessKey(),
        node.secretKey(), expiry, signedAt);
    URI https = signed.request().getUri();
    return URI.create("http" + https.toString().substring("https".length()));
  }

  /**
   * The URI the signer sees. The SDK signer always signs the payload of a plain-http request;
   * told https, it honours UNSIGNED-PAYLOAD and STREAMING-UNSIGNED-PAYLOAD-TRAILER. The scheme is
   * not part of what SigV4 signs (the Host header with its port is), so the signature is valid
   * for the plain-http request that is actually sent.
   */
  private static URI signingUri(String host, int port, String pathAndQuery) {
    return URI.create("https://" + host + ":" + port + pathAndQuery);
  }

  private SignedRequest sign(SdkHttpRequest req, ContentStreamProvider payload, PayloadForm form,
      String accessKey, String secretKey, Duration presignExpiry, Instant signedAt) {
    SignRequest.Builder<AwsCredentialsIdentity> b = SignRequest.builder(
            AwsCredentialsIdentity.create(accessKey, secretKey))
        .request(req)
        .payload(payload)
        .putProperty(AwsV4FamilyHttpSigner.SERVICE_SIGNING_NAME, "s3")
        .putProperty(AwsV4HttpSigner.REGION_NAME, node.region())
        // S3 signs the path as sent: no double encoding, no normalisation.
        .putProperty(AwsV4FamilyHttpSigner.DOUBLE_URL_ENCODE, false)
        .putProperty(AwsV4FamilyHttpSigner.NORMALIZE_PATH, false)
        .putProperty(AwsV4FamilyHttpSigner.PAYLOAD_SIGNING_ENABLED, form.signPayload)
        .putProperty(AwsV4FamilyHttpSigner.CHUNK_ENCODING_ENABLED, form.chunked);
    if (form.trailer) {
      b.putProperty(AwsV4FamilyHttpSigner.CHECKSUM_ALGORITHM, DefaultChecksumAlgorithm.CRC32);
    }
    if (presignExpiry != null) {
      b.putProperty(AwsV4FamilyHttpSigner.AUTH_LOCATION,
              AwsV4FamilyHttpSigner.AuthLocation.QUERY_STRING)
          .putProperty(AwsV4FamilyHttpSigner.EXPIRATION_DURATION, presignExpiry);
    }
    if (signedAt != null) {
      b.putProperty(HttpSigner.SIGNING_CLOCK, Clock.fixed(signedAt, ZoneOffset.UTC));
    }
    return signer.sign(b.build());
  }

  /** The headers and target of the last signed request sent, for checks on what was sent. */
  SdkHttpRequest lastSent() {
    return lastSent;
  }

  private RawHttp.Response transmit(SignedRequest signed, String method, InputStream body) {
    SdkHttpRequest r = signed.request();
    lastSent = r;
    List<String[]> h = new ArrayList<>();
    r.forEachHeader((name, values) -> values.forEach(v -> h.add(new String[] {name, v})));
    URI uri = r.getUri();
    String target = uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
    try {
      return RawHttp.exchange(node.endpoint().getPort(), method, target, h, body,
          method.equals("HEAD"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
