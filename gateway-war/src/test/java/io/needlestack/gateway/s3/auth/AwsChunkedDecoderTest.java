package io.needlestack.gateway.s3.auth;

import io.needlestack.gateway.s3.error.S3ErrorCode;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;

import static io.needlestack.gateway.s3.auth.AuthFixtures.authenticatorAt;
import static io.needlestack.gateway.s3.auth.AuthFixtures.expectPayload;
import static io.needlestack.gateway.s3.auth.AuthFixtures.readAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Framing rules and memory bounds of the aws-chunked decoder. */
class AwsChunkedDecoderTest {

    /**
     * A raw body of one huge unsigned chunk, produced on demand (never held in memory), which
     * counts how far the decoder has read.
     */
    private static final class GeneratedChunkedBody extends InputStream {
        private final byte[] header;
        private final long dataLength;
        private final byte[] tail;
        long position;

        GeneratedChunkedBody(long dataLength) {
            this.header = (Long.toHexString(dataLength) + "\r\n").getBytes(StandardCharsets.US_ASCII);
            this.dataLength = dataLength;
            this.tail = "\r\n0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        }

        @Override
        public int read() {
            long total = header.length + dataLength + tail.length;
            if (position >= total) {
                return -1;
            }
            long p = position++;
            if (p < header.length) {
                return header[(int) p];
            }
            if (p < header.length + dataLength) {
                return 'x';
            }
            return tail[(int) (p - header.length - dataLength)];
        }

        @Override
        public int read(byte[] b, int off, int len) {
            int n = 0;
            while (n < len) {
                int c = read();
                if (c < 0) {
                    return n == 0 ? -1 : n;
                }
                b[off + n++] = (byte) c;
            }
            return n;
        }
    }

    @Test
    void aHugeChunkIsStreamedNotBuffered() throws IOException {
        long length = 64L * 1024 * 1024;
        TestRequest request = new TestRequest("PUT", "/b/big", null)
                .header("x-amz-content-sha256", "STREAMING-UNSIGNED-PAYLOAD-TRAILER")
                .header("x-amz-decoded-content-length", Long.toString(length));
        GeneratedChunkedBody raw = new GeneratedChunkedBody(length);
        PayloadStream in = authenticatorAt("2026-01-01T00:00:00Z").authenticate(request, null).payload(raw);
        byte[] first = in.readNBytes(10);
        assertEquals("xxxxxxxxxx", new String(first, StandardCharsets.US_ASCII));
        assertTrue(raw.position <= 8192, "read ahead " + raw.position + " bytes for 10 decoded bytes");
        byte[] buf = new byte[65536];
        long total = first.length;
        int n;
        while ((n = in.read(buf)) >= 0) {
            total += n;
            assertTrue(raw.position - total <= 8192 + 32, "the decoder stays within one buffer of its reader");
        }
        assertEquals(length, total);
        assertTrue(in.verified());
    }

    @Test
    void signedChunksSmallerThan8KiBAreRefusedUnlessLast() throws Exception {
        // The documentation's chunked request, with its seed signature, but the 66560 bytes cut into
        // a 4 KiB chunk and the rest, each correctly signed.
        byte[] key = SigningKeyCache.derive(AuthFixtures.SECRET_KEY, "20130524", "us-east-1", "s3");
        String previous = "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9";
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int size : new int[] {4096, 66560 - 4096, 0}) {
            byte[] data = new byte[size];
            Arrays.fill(data, (byte) 'a');
            // Each chunk signed the way a client signs it, chained from the previous signature.
            String sig = Crypto.hex(Crypto.hmacSha256(key, "AWS4-HMAC-SHA256-PAYLOAD\n20130524T000000Z\n"
                    + "20130524/us-east-1/s3/aws4_request\n" + previous + "\n" + Crypto.EMPTY_SHA256 + "\n"
                    + Crypto.hex(MessageDigest.getInstance("SHA-256").digest(data))));
            previous = sig;
            out.writeBytes((Integer.toHexString(size) + ";chunk-signature=" + sig + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.writeBytes(data);
            out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        TestRequest request = new TestRequest("PUT", "/examplebucket/chunkObject.txt", null)
                .header("Host", "s3.amazonaws.com")
                .header("x-amz-date", "20130524T000000Z")
                .header("x-amz-storage-class", "REDUCED_REDUNDANCY")
                .header("x-amz-content-sha256", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD")
                .header("Content-Encoding", "aws-chunked")
                .header("x-amz-decoded-content-length", "66560")
                .header("Content-Length", "66824")
                .header("Authorization", "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/"
                        + "aws4_request,SignedHeaders=content-encoding;content-length;host;x-amz-content-sha256;"
                        + "x-amz-date;x-amz-decoded-content-length;x-amz-storage-class,"
                        + "Signature=4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9");
        expectPayload(S3ErrorCode.INVALID_CHUNK_SIZE_ERROR,
                () -> readAll(authenticatorAt("2013-05-24T00:00:00Z").authenticate(request, null), out.toByteArray()));
    }

    @Test
    void lineAndSizeLimits() {
        TestRequest request = new TestRequest("PUT", "/b/k", null)
                .header("x-amz-content-sha256", "STREAMING-UNSIGNED-PAYLOAD-TRAILER")
                .header("x-amz-decoded-content-length", "3");
        byte[] longLine = ("3;" + "x".repeat(5000) + "\r\nabc\r\n0\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        expectPayload(S3ErrorCode.INVALID_REQUEST, () -> readAll(
                authenticatorAt("2026-01-01T00:00:00Z").authenticate(request, null), longLine));
        byte[] overlong = "3\r\nabcd\r\n0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        expectPayload(S3ErrorCode.INVALID_REQUEST, () -> readAll(
                authenticatorAt("2026-01-01T00:00:00Z").authenticate(request, null), overlong));
        byte[] ok = "3\r\nabc\r\n0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        try {
            assertArrayEquals("abc".getBytes(StandardCharsets.US_ASCII),
                    readAll(authenticatorAt("2026-01-01T00:00:00Z").authenticate(request, null), ok));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
