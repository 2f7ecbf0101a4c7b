package io.needlestack.gateway.s3.auth;

import io.needlestack.gateway.s3.error.S3ErrorCode;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The body of a request as the object's bytes: aws-chunked decoded when it was sent that way, and
 * checked against everything the request declared (chunk and trailer signatures, the signed
 * SHA-256, Content-MD5, an {@code x-amz-checksum-*} header or trailer, the length).
 *
 * <p>Checks that need the whole body run before the last byte is handed out: on the read that
 * reaches the declared length (the stream then reads on to the end of the framing), or on the
 * read that meets the end of the stream when no length was declared. A reader that stops at the
 * declared length has thus seen every check pass. Any failure is an {@link S3PayloadException};
 * the caller must then discard what it read. Never holds more than one 8 KiB buffer.
 */
public final class PayloadStream extends InputStream {

    private final InputStream source;
    private final AwsChunkedDecoder decoder;
    private final long expectedLength;
    private final MessageDigest sha256;
    private final String expectedSha256;
    private final MessageDigest md5;
    private final byte[] expectedMd5;
    private final ChecksumAlgorithm checksumAlgorithm;
    private final Checksummer checksummer;
    private final String headerChecksum;

    private long count;
    private boolean finished;
    private ChecksumValue verifiedChecksum;
    private S3PayloadException failure;

    PayloadStream(InputStream raw, PayloadPlan plan) {
        if (plan.mode().awsChunked()) {
            this.decoder = new AwsChunkedDecoder(raw, plan.chunkSigner(), plan.mode().hasTrailer());
            this.source = decoder;
        } else {
            this.decoder = null;
            this.source = raw;
        }
        this.expectedLength = plan.expectedLength();
        this.expectedSha256 = plan.expectedSha256();
        this.sha256 = expectedSha256 == null ? null : Crypto.sha256();
        this.expectedMd5 = plan.expectedMd5();
        this.md5 = expectedMd5 == null ? null : Crypto.digest("MD5");
        this.checksumAlgorithm = plan.checksumAlgorithm();
        this.checksummer = checksumAlgorithm == null ? null : Checksummer.of(checksumAlgorithm);
        this.headerChecksum = plan.headerChecksum();
    }

    /** The object's length as declared (decoded length, or Content-Length); empty when not declared. */
    public OptionalLong declaredLength() {
        return expectedLength < 0 ? OptionalLong.empty() : OptionalLong.of(expectedLength);
    }

    /** How many object bytes have been read so far. */
    public long bytesRead() {
        return count;
    }

    /** Whether the whole body has been read and every check passed. */
    public boolean verified() {
        return finished && failure == null;
    }

    /**
     * The S3 checksum the client sent (header or trailer), verified; empty when none was sent or
     * the body has not been read to its end yet.
     */
    public Optional<ChecksumValue> checksum() {
        return Optional.ofNullable(verifiedChecksum);
    }

    /** The trailing headers of an aws-chunked body (lower-case names); empty otherwise. */
    public Map<String, String> trailers() {
        return decoder == null ? Map.of() : decoder.trailers();
    }

    /** Reads whatever is left (there should be nothing) and runs the end-of-body checks. */
    public void verifyComplete() throws IOException {
        byte[] skip = new byte[8192];
        while (read(skip, 0, skip.length) >= 0) {
            // draining: the bytes were not wanted, only the checks
        }
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (failure != null) {
            throw failure;
        }
        if (finished) {
            return -1;
        }
        if (len == 0) {
            return 0;
        }
        try {
            int n = source.read(b, off, len);
            if (n < 0) {
                finish();
                return -1;
            }
            if (expectedLength >= 0 && count + n > expectedLength) {
                throw tooLong();
            }
            update(b, off, n);
            if (expectedLength >= 0 && count == expectedLength) {
                if (source.read() >= 0) {
                    throw tooLong();
                }
                finish();
            }
            return n;
        } catch (S3PayloadException e) {
            failure = e;
            throw e;
        }
    }

    private void update(byte[] b, int off, int n) {
        count += n;
        if (sha256 != null) {
            sha256.update(b, off, n);
        }
        if (md5 != null) {
            md5.update(b, off, n);
        }
        if (checksummer != null) {
            checksummer.update(b, off, n);
        }
    }

    private S3PayloadException tooLong() {
        return new S3PayloadException(S3ErrorCode.INVALID_REQUEST, decoder != null
                ? "The decoded body is longer than x-amz-decoded-content-length."
                : "The body is longer than its Content-Length.");
    }

    private void finish() throws S3PayloadException {
        finished = true;
        if (expectedLength >= 0 && count < expectedLength) {
            throw new S3PayloadException(S3ErrorCode.INCOMPLETE_BODY, decoder != null
                    ? "You did not provide the number of bytes specified by the x-amz-decoded-content-length header."
                    : S3ErrorCode.INCOMPLETE_BODY.defaultMessage());
        }
        if (sha256 != null) {
            String computed = Crypto.hex(sha256.digest());
            if (!computed.equals(expectedSha256)) {
                throw new S3PayloadException(S3ErrorCode.X_AMZ_CONTENT_SHA256_MISMATCH,
                        S3ErrorCode.X_AMZ_CONTENT_SHA256_MISMATCH.defaultMessage(),
                        Map.of("ClientComputedContentSHA256", expectedSha256, "S3ComputedContentSHA256", computed));
            }
        }
        if (md5 != null && !MessageDigest.isEqual(md5.digest(), expectedMd5)) {
            throw new S3PayloadException(S3ErrorCode.BAD_DIGEST, S3ErrorCode.BAD_DIGEST.defaultMessage());
        }
        if (checksummer != null) {
            String expected = headerChecksum;
            if (expected == null) {
                expected = decoder == null ? null : decoder.trailers().get(checksumAlgorithm.headerName());
                if (expected == null) {
                    throw new S3PayloadException(S3ErrorCode.MALFORMED_TRAILER_ERROR,
                            "The trailer declared by x-amz-trailer (" + checksumAlgorithm.headerName() + ") was not sent.");
                }
            }
            byte[] expectedBytes = PayloadPlan.decodeChecksum(checksumAlgorithm, expected);
            if (expectedBytes == null) {
                throw new S3PayloadException(S3ErrorCode.INVALID_REQUEST,
                        "Value for " + checksumAlgorithm.headerName() + " trailing header is invalid.");
            }
            byte[] computed = checksummer.digest();
            if (!MessageDigest.isEqual(computed, expectedBytes)) {
                throw new S3PayloadException(S3ErrorCode.BAD_DIGEST,
                        "The " + checksumAlgorithm.displayName() + " you specified did not match the calculated checksum.");
            }
            verifiedChecksum = new ChecksumValue(checksumAlgorithm, Base64.getEncoder().encodeToString(computed));
        }
    }

    @Override
    public void close() throws IOException {
        source.close();
    }
}
