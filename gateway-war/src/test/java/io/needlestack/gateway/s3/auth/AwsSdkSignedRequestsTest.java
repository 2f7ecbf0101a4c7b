package io.needlestack.gateway.s3.auth;

import io.needlestack.gateway.s3.error.S3ErrorCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.checksums.DefaultChecksumAlgorithm;
import software.amazon.awssdk.checksums.SdkChecksum;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4FamilyHttpSigner;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

import static io.needlestack.gateway.s3.auth.AuthFixtures.ACCESS_KEY;
import static io.needlestack.gateway.s3.auth.AuthFixtures.SECRET_KEY;
import static io.needlestack.gateway.s3.auth.AuthFixtures.expectPayload;
import static io.needlestack.gateway.s3.auth.AuthFixtures.expectS3;
import static io.needlestack.gateway.s3.auth.AuthFixtures.readAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Requests signed by the AWS SDK for Java v2's own SigV4 signer (the one its S3 client uses), in
 * every payload form and with every checksum, verified end to end; then tampered with. HTTPS, as
 * the SDK signs the payload regardless of its settings over plain HTTP.
 */
class AwsSdkSignedRequestsTest {

    private static final Instant NOW = Instant.parse("2026-11-22T01:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    private static final AwsV4HttpSigner SIGNER = AwsV4HttpSigner.create();
    /** A key that needs encoding, as the SDK encodes it on the wire. */
    private static final String PATH = "/bucket/dir/a%20b%2Bc~%24%C3%A9.txt";

    private static final Map<ChecksumAlgorithm, software.amazon.awssdk.checksums.spi.ChecksumAlgorithm> SDK_ALGORITHMS =
            Map.of(ChecksumAlgorithm.CRC32, DefaultChecksumAlgorithm.CRC32,
                    ChecksumAlgorithm.CRC32C, DefaultChecksumAlgorithm.CRC32C,
                    ChecksumAlgorithm.SHA1, DefaultChecksumAlgorithm.SHA1,
                    ChecksumAlgorithm.SHA256, DefaultChecksumAlgorithm.SHA256,
                    ChecksumAlgorithm.SHA512, DefaultChecksumAlgorithm.SHA512,
                    ChecksumAlgorithm.MD5, DefaultChecksumAlgorithm.MD5);

    // CRC64NVME is left out: the SDK computes it only with the native aws-crt library; it is
    // checked against the CRC catalogue's check value in ChecksummerTest instead.

    /** A request as it leaves the SDK: headers, path, query, and the bytes on the wire. */
    private record Wire(TestRequest request, byte[] body) {
    }

    private static Authenticator authenticator(Instant at) {
        return new Authenticator(AuthFixtures.STORE, "us-east-1", Clock.fixed(at, ZoneOffset.UTC));
    }

    private static byte[] data(int length) {
        byte[] b = new byte[length];
        new Random(length).nextBytes(b);
        return b;
    }

    private static Wire sign(SdkHttpMethod method, byte[] body, boolean signPayload, boolean chunked,
                             ChecksumAlgorithm checksum, boolean presign) {
        SdkHttpRequest.Builder http = SdkHttpRequest.builder().method(method).protocol("https").host("localhost")
                .port(8443).encodedPath(PATH)
                .putRawQueryParameter("uploadId", "abc/def+ghi=").putRawQueryParameter("partNumber", "7")
                .putHeader("Content-Type", "application/octet-stream")
                .putHeader("x-amz-meta-colour", "  dark   blue ");
        if (body != null) {
            http.putHeader("Content-Length", Integer.toString(body.length));
        }
        var signed = SIGNER.sign(r -> {
            r.identity(AwsCredentialsIdentity.create(ACCESS_KEY, SECRET_KEY))
                    .request(http.build())
                    .putProperty(AwsV4HttpSigner.REGION_NAME, "us-east-1")
                    .putProperty(AwsV4FamilyHttpSigner.SERVICE_SIGNING_NAME, "s3")
                    .putProperty(AwsV4FamilyHttpSigner.DOUBLE_URL_ENCODE, false)
                    .putProperty(AwsV4FamilyHttpSigner.NORMALIZE_PATH, false)
                    .putProperty(AwsV4FamilyHttpSigner.PAYLOAD_SIGNING_ENABLED, signPayload)
                    .putProperty(AwsV4FamilyHttpSigner.CHUNK_ENCODING_ENABLED, chunked)
                    .putProperty(HttpSigner.SIGNING_CLOCK, CLOCK);
            if (body != null) {
                r.payload(ContentStreamProvider.fromByteArray(body));
            }
            if (checksum != null) {
                r.putProperty(AwsV4FamilyHttpSigner.CHECKSUM_ALGORITHM, SDK_ALGORITHMS.get(checksum));
            }
            if (presign) {
                r.putProperty(AwsV4FamilyHttpSigner.AUTH_LOCATION, AwsV4FamilyHttpSigner.AuthLocation.QUERY_STRING)
                        .putProperty(AwsV4FamilyHttpSigner.EXPIRATION_DURATION, Duration.ofHours(1));
            }
        });
        SdkHttpRequest out = signed.request();
        TestRequest request = new TestRequest(out.method().name(), out.encodedPath(),
                out.encodedQueryParameters().orElse(null));
        out.headers().forEach((name, values) -> values.forEach(v -> request.header(name, v)));
        if (request.header("host") == null) {
            request.header("Host", "localhost:8443");
        }
        byte[] wire = null;
        if (signed.payload().isPresent()) {
            try (InputStream in = signed.payload().get().newStream()) {
                wire = in.readAllBytes();
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        }
        return new Wire(request, wire);
    }

    private static String sdkChecksum(ChecksumAlgorithm algorithm, byte[] body) {
        SdkChecksum c = SdkChecksum.forAlgorithm(SDK_ALGORITHMS.get(algorithm));
        c.update(body, 0, body.length);
        return Base64.getEncoder().encodeToString(c.getChecksumBytes());
    }

    static Stream<Arguments> forms() {
        List<Arguments> out = new ArrayList<>();
        for (int length : new int[] {0, 1, 300_000}) {
            out.add(Arguments.of(true, false, null, length, PayloadMode.SIGNED_SHA256));
            out.add(Arguments.of(false, false, null, length, PayloadMode.UNSIGNED));
            out.add(Arguments.of(true, true, null, length, PayloadMode.STREAMING_SIGNED));
            for (ChecksumAlgorithm a : ChecksumAlgorithm.values()) {
                if (!SDK_ALGORITHMS.containsKey(a)) {
                    continue;
                }
                out.add(Arguments.of(true, false, a, length, PayloadMode.SIGNED_SHA256));
                out.add(Arguments.of(false, false, a, length, PayloadMode.UNSIGNED));
                out.add(Arguments.of(true, true, a, length, PayloadMode.STREAMING_SIGNED_TRAILER));
                out.add(Arguments.of(false, true, a, length, PayloadMode.STREAMING_UNSIGNED_TRAILER));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "signPayload={0} chunked={1} checksum={2} length={3}")
    @MethodSource("forms")
    void everyPayloadFormVerifiesAndDecodes(boolean signPayload, boolean chunked, ChecksumAlgorithm checksum,
                                            int length, PayloadMode expectedMode) throws IOException {
        byte[] body = data(length);
        Wire wire = sign(SdkHttpMethod.PUT, body, signPayload, chunked, checksum, false);
        AuthResult auth = authenticator(NOW).authenticate(wire.request(), null);
        assertEquals(expectedMode, auth.payloadMode());
        assertEquals(length, auth.decodedContentLength().orElseThrow());
        assertTrue(auth.storedContentEncoding().isEmpty(), "aws-chunked is never stored");

        PayloadStream in = auth.payload(new ByteArrayInputStream(wire.body()));
        byte[] decoded = in.readAllBytes();
        assertArrayEquals(body, decoded);
        assertTrue(in.verified());
        if (checksum != null) {
            assertEquals(new ChecksumValue(checksum, sdkChecksum(checksum, body)), in.checksum().orElseThrow());
        } else {
            assertTrue(in.checksum().isEmpty());
        }
    }

    @ParameterizedTest(name = "signPayload={0} chunked={1} checksum={2}")
    @MethodSource("forms")
    void alteredSignedHeaderIsRejected(boolean signPayload, boolean chunked, ChecksumAlgorithm checksum,
                                       int length, PayloadMode expectedMode) {
        Wire wire = sign(SdkHttpMethod.PUT, data(length), signPayload, chunked, checksum, false);
        expectS3(S3ErrorCode.SIGNATURE_DOES_NOT_MATCH, () -> authenticator(NOW).authenticate(
                wire.request().replaceHeader("x-amz-meta-colour", "red"), null));
        expectS3(S3ErrorCode.SIGNATURE_DOES_NOT_MATCH, () -> authenticator(NOW).authenticate(
                wire.request().query(wire.request().rawQuery().replace("partNumber=7", "partNumber=8")), null));
    }

    @ParameterizedTest(name = "signPayload={0} chunked={1} checksum={2} length={3}")
    @MethodSource("forms")
    void alteredBodyIsRejected(boolean signPayload, boolean chunked, ChecksumAlgorithm checksum,
                               int length, PayloadMode expectedMode) {
        if (length == 0 || (expectedMode == PayloadMode.UNSIGNED && checksum == null)) {
            return; // nothing to alter, or nothing that covers the body
        }
        Wire wire = sign(SdkHttpMethod.PUT, data(length), signPayload, chunked, checksum, false);
        byte[] raw = wire.body().clone();
        int firstDataByte = chunked ? indexOf(raw, "\r\n".getBytes(StandardCharsets.US_ASCII), 0) + 2 : 0;
        raw[firstDataByte + length / 2] ^= 0x01;
        S3ErrorCode expected = switch (expectedMode) {
            case SIGNED_SHA256 -> S3ErrorCode.X_AMZ_CONTENT_SHA256_MISMATCH;
            case STREAMING_SIGNED, STREAMING_SIGNED_TRAILER -> S3ErrorCode.SIGNATURE_DOES_NOT_MATCH;
            default -> S3ErrorCode.BAD_DIGEST;
        };
        AuthResult auth = authenticator(NOW).authenticate(wire.request(), null);
        S3PayloadException e = expectPayload(expected, () -> readAll(auth, raw));
        if (expected == S3ErrorCode.BAD_DIGEST) {
            assertEquals("The " + checksum.displayName() + " you specified did not match the calculated checksum.",
                    e.getMessage());
        }
    }

    @Test
    void alteredTrailerIsRejected() throws IOException {
        byte[] body = data(200_000);
        String otherCrc = sdkChecksum(ChecksumAlgorithm.CRC32, data(7));
        String realCrc = sdkChecksum(ChecksumAlgorithm.CRC32, body);

        Wire signedTrailer = sign(SdkHttpMethod.PUT, body, true, true, ChecksumAlgorithm.CRC32, false);
        String wire = new String(signedTrailer.body(), StandardCharsets.ISO_8859_1);
        assertTrue(wire.contains("x-amz-checksum-crc32:" + realCrc), "the SDK sent the checksum as a trailer");
        assertTrue(wire.contains("x-amz-trailer-signature:"));
        expectPayload(S3ErrorCode.SIGNATURE_DOES_NOT_MATCH, () -> readAll(
                authenticator(NOW).authenticate(signedTrailer.request(), null),
                wire.replace(realCrc, otherCrc).getBytes(StandardCharsets.ISO_8859_1)));
        String trailerSignature = wire.substring(wire.indexOf("x-amz-trailer-signature:") + 24).trim();
        expectPayload(S3ErrorCode.SIGNATURE_DOES_NOT_MATCH, () -> readAll(
                authenticator(NOW).authenticate(signedTrailer.request(), null),
                wire.replace(trailerSignature, new StringBuilder(trailerSignature).reverse().toString())
                        .getBytes(StandardCharsets.ISO_8859_1)));
        expectPayload(S3ErrorCode.MALFORMED_TRAILER_ERROR, () -> readAll(
                authenticator(NOW).authenticate(signedTrailer.request(), null),
                wire.substring(0, wire.indexOf("x-amz-trailer-signature:")).getBytes(StandardCharsets.ISO_8859_1)));

        Wire unsignedTrailer = sign(SdkHttpMethod.PUT, body, false, true, ChecksumAlgorithm.CRC32, false);
        String uwire = new String(unsignedTrailer.body(), StandardCharsets.ISO_8859_1);
        assertTrue(uwire.contains("x-amz-checksum-crc32:" + realCrc));
        S3PayloadException e = expectPayload(S3ErrorCode.BAD_DIGEST, () -> readAll(
                authenticator(NOW).authenticate(unsignedTrailer.request(), null),
                uwire.replace(realCrc, otherCrc).getBytes(StandardCharsets.ISO_8859_1)));
        assertEquals("The CRC32 you specified did not match the calculated checksum.", e.getMessage());
        expectPayload(S3ErrorCode.MALFORMED_TRAILER_ERROR, () -> readAll(
                authenticator(NOW).authenticate(unsignedTrailer.request(), null),
                uwire.replace("x-amz-checksum-crc32:" + realCrc + "\r\n", "").getBytes(StandardCharsets.ISO_8859_1)));
        // And untouched, the same bytes pass.
        assertArrayEquals(body, readAll(authenticator(NOW).authenticate(unsignedTrailer.request(), null),
                unsignedTrailer.body()));
    }

    @Test
    void alteredChunkSignatureOrFramingIsRejected() {
        byte[] body = data(300_000);
        Wire chunked = sign(SdkHttpMethod.PUT, body, true, true, null, false);
        String wire = new String(chunked.body(), StandardCharsets.ISO_8859_1);
        int sig = wire.indexOf("chunk-signature=", wire.indexOf("chunk-signature=") + 1) + 16;
        char flipped = wire.charAt(sig) == '0' ? '1' : '0';
        String badSignature = wire.substring(0, sig) + flipped + wire.substring(sig + 1);
        expectPayload(S3ErrorCode.SIGNATURE_DOES_NOT_MATCH, () -> readAll(
                authenticator(NOW).authenticate(chunked.request(), null), badSignature.getBytes(StandardCharsets.ISO_8859_1)));
        String badSize = "zz" + wire.substring(wire.indexOf(';'));
        expectPayload(S3ErrorCode.INVALID_REQUEST, () -> readAll(
                authenticator(NOW).authenticate(chunked.request(), null), badSize.getBytes(StandardCharsets.ISO_8859_1)));
        byte[] truncated = java.util.Arrays.copyOf(chunked.body(), chunked.body().length - 120);
        expectPayload(S3ErrorCode.INCOMPLETE_BODY, () -> readAll(
                authenticator(NOW).authenticate(chunked.request(), null), truncated));
    }

    @Test
    void presignedGetAndPutVerifyUntilTheyExpire() throws IOException {
        Wire get = sign(SdkHttpMethod.GET, null, false, false, null, true);
        assertTrue(get.request().rawQuery().contains("X-Amz-Signature="));
        AuthResult auth = authenticator(NOW.plusSeconds(3600)).authenticate(get.request(), null);
        assertEquals(AuthMethod.SIGV4_QUERY, auth.method());
        expectS3(S3ErrorCode.ACCESS_DENIED, () -> authenticator(NOW.plusSeconds(3601)).authenticate(get.request(), null));
        expectS3(S3ErrorCode.SIGNATURE_DOES_NOT_MATCH, () -> authenticator(NOW).authenticate(
                get.request().path(PATH.replace("dir", "other")), null));

        byte[] body = data(70_000);
        Wire put = sign(SdkHttpMethod.PUT, body, false, false, null, true);
        AuthResult putAuth = authenticator(NOW).authenticate(put.request(), null);
        assertEquals(PayloadMode.UNSIGNED, putAuth.payloadMode());
        assertArrayEquals(body, readAll(putAuth, body));
        expectS3(S3ErrorCode.SIGNATURE_DOES_NOT_MATCH, () -> authenticator(NOW).authenticate(
                put.request().replaceHeader("Content-Type", "text/html"), null));
        expectS3(S3ErrorCode.ACCESS_DENIED, () -> authenticator(NOW.plusSeconds(7200)).authenticate(put.request(), null));
    }

    private static int indexOf(byte[] haystack, byte[] needle, int from) {
        outer:
        for (int i = from; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
