package io.needlestack.gateway.s3.auth;

import io.needlestack.gateway.s3.error.S3ErrorCode;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

import static io.needlestack.gateway.s3.auth.AuthFixtures.authenticatorAt;
import static io.needlestack.gateway.s3.auth.AuthFixtures.expectPayload;
import static io.needlestack.gateway.s3.auth.AuthFixtures.expectS3;
import static io.needlestack.gateway.s3.auth.AuthFixtures.readAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Body checks that do not depend on a signature: Content-MD5, checksum headers, unsigned trailers. */
class PayloadChecksTest {

    private static final String AT = "2026-01-01T00:00:00Z";
    private static final byte[] BODY = "The quick brown fox jumps over the lazy dog".getBytes(StandardCharsets.US_ASCII);

    private static TestRequest anonymousPut() {
        return new TestRequest("PUT", "/public/fox.txt", null).header("Content-Length", Integer.toString(BODY.length));
    }

    private static String b64(byte[] b) {
        return Base64.getEncoder().encodeToString(b);
    }

    @Test
    void crc64NvmeMatchesTheCatalogueCheckValue() {
        Checksummer.Crc64 crc = new Checksummer.Crc64();
        byte[] check = "123456789".getBytes(StandardCharsets.US_ASCII);
        crc.update(check, 0, 4);
        crc.update(check, 4, 5);
        assertEquals(0xAE8B14860A799888L, crc.value());
        assertEquals(0L, new Checksummer.Crc64().value(), "CRC of nothing");
    }

    @Test
    void contentMd5IsVerified() throws Exception {
        String md5 = b64(MessageDigest.getInstance("MD5").digest(BODY));
        assertArrayEquals(BODY, readAll(authenticatorAt(AT).authenticate(anonymousPut().header("Content-MD5", md5), null), BODY));
        byte[] other = BODY.clone();
        other[0] = 't';
        expectPayload(S3ErrorCode.BAD_DIGEST,
                () -> readAll(authenticatorAt(AT).authenticate(anonymousPut().header("Content-MD5", md5), null), other));
        expectS3(S3ErrorCode.INVALID_DIGEST,
                () -> authenticatorAt(AT).authenticate(anonymousPut().header("Content-MD5", "abc"), null));
    }

    @Test
    void checksumHeadersAreVerified() throws Exception {
        // Known values: SHA-1 and SHA-256 of the pangram.
        String sha1 = b64(MessageDigest.getInstance("SHA-1").digest(BODY));
        assertEquals("L9ThxnotKPzthJ7hu3bnORuT6xI=", sha1);
        AuthResult ok = authenticatorAt(AT).authenticate(anonymousPut().header("x-amz-checksum-sha1", sha1), null);
        PayloadStream in = ok.payload(new java.io.ByteArrayInputStream(BODY));
        in.readAllBytes();
        assertEquals(Optional.of(new ChecksumValue(ChecksumAlgorithm.SHA1, sha1)), in.checksum());

        java.util.zip.CRC32C c = new java.util.zip.CRC32C();
        c.update(BODY);
        long v = c.getValue();
        String crc32c = b64(new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v});
        byte[] other = BODY.clone();
        other[4] = 'Q';
        S3PayloadException e = expectPayload(S3ErrorCode.BAD_DIGEST, () -> readAll(authenticatorAt(AT).authenticate(
                anonymousPut().header("x-amz-checksum-crc32c", crc32c), null), other));
        assertEquals("The CRC32C you specified did not match the calculated checksum.", e.getMessage());

        expectS3(S3ErrorCode.INVALID_REQUEST, () -> authenticatorAt(AT).authenticate(
                anonymousPut().header("x-amz-checksum-crc32", "AAAA"), null));
        expectS3(S3ErrorCode.INVALID_REQUEST, () -> authenticatorAt(AT).authenticate(
                anonymousPut().header("x-amz-checksum-sha1", sha1).header("x-amz-checksum-crc32c", crc32c), null));
    }

    private static byte[] unsignedChunked(byte[] data, int chunk, String trailer) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int off = 0; off < data.length; off += chunk) {
            int n = Math.min(chunk, data.length - off);
            out.writeBytes((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(data, off, n);
            out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        out.writeBytes(("0\r\n" + trailer + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }

    private static TestRequest anonymousTrailerPut(int decodedLength) {
        return new TestRequest("PUT", "/public/big.bin", null)
                .header("x-amz-content-sha256", "STREAMING-UNSIGNED-PAYLOAD-TRAILER")
                .header("Content-Encoding", "aws-chunked")
                .header("Content-Encoding", "gzip")
                .header("x-amz-decoded-content-length", Integer.toString(decodedLength))
                .header("x-amz-trailer", "x-amz-checksum-crc64nvme");
    }

    @Test
    void unsignedTrailerWithCrc64NvmeDecodes() throws IOException {
        byte[] data = new byte[100_000];
        new java.util.Random(1).nextBytes(data);
        Checksummer crc = Checksummer.of(ChecksumAlgorithm.CRC64NVME);
        crc.update(data, 0, data.length);
        String value = b64(crc.digest());
        AuthResult auth = authenticatorAt(AT).authenticate(anonymousTrailerPut(data.length), null);
        assertEquals(PayloadMode.STREAMING_UNSIGNED_TRAILER, auth.payloadMode());
        assertEquals(Optional.of("gzip"), auth.storedContentEncoding());
        assertArrayEquals(data, readAll(auth, unsignedChunked(data, 3000, "x-amz-checksum-crc64nvme:" + value)));

        byte[] altered = data.clone();
        altered[99_999] ^= 1;
        S3PayloadException e = expectPayload(S3ErrorCode.BAD_DIGEST, () -> readAll(authenticatorAt(AT).authenticate(
                anonymousTrailerPut(data.length), null), unsignedChunked(altered, 3000, "x-amz-checksum-crc64nvme:" + value)));
        assertEquals("The CRC64NVME you specified did not match the calculated checksum.", e.getMessage());
        expectPayload(S3ErrorCode.INCOMPLETE_BODY, () -> readAll(authenticatorAt(AT).authenticate(
                anonymousTrailerPut(data.length + 1), null), unsignedChunked(data, 3000, "x-amz-checksum-crc64nvme:" + value)));
        expectPayload(S3ErrorCode.INVALID_REQUEST, () -> readAll(authenticatorAt(AT).authenticate(
                anonymousTrailerPut(data.length - 1), null), unsignedChunked(data, 3000, "x-amz-checksum-crc64nvme:" + value)));
        expectS3(S3ErrorCode.MISSING_CONTENT_LENGTH, () -> authenticatorAt(AT).authenticate(
                anonymousTrailerPut(1).removeHeader("x-amz-decoded-content-length"), null));
        expectS3(S3ErrorCode.INVALID_REQUEST, () -> authenticatorAt(AT).authenticate(
                anonymousTrailerPut(1).replaceHeader("x-amz-trailer", "x-amz-checksum-xxhash64"), null));
    }

    @Test
    void storedContentEncodingDropsOnlyAwsChunked() {
        assertEquals(Optional.empty(), ContentEncodings.stored(List.of("aws-chunked")));
        assertEquals(Optional.of("gzip"), ContentEncodings.stored(List.of("aws-chunked,gzip")));
        assertEquals(Optional.of("gzip,br"), ContentEncodings.stored(List.of("gzip", "AWS-Chunked", " br ")));
        assertEquals(Optional.empty(), ContentEncodings.stored(null));
    }
}
