package io.needlestack.gateway.s3.operation;

import io.needlestack.gateway.s3.error.S3ErrorCode;
import io.needlestack.gateway.s3.error.S3Exception;
import io.needlestack.gateway.s3.error.S3PayloadException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.Base64;

/**
 * Checks a payload against its Content-MD5 header. The check happens on the read that delivers
 * the last announced byte, and fails that read, so a consumer that stops at the announced length
 * (storage spooling a needle) never commits a payload that does not match.
 */
final class ContentMd5InputStream extends FilterInputStream {
    private final MessageDigest md5;
    private final byte[] expected;
    private final long length;
    private long seen;

    private ContentMd5InputStream(InputStream in, byte[] expected, long length) {
        super(in);
        this.md5 = newMd5();
        this.expected = expected;
        this.length = length;
        if (length == 0) {
            verify();
        }
    }

    /** Wraps {@code in} when a Content-MD5 header was sent; InvalidDigest for a malformed one. */
    static InputStream wrap(InputStream in, String contentMd5, long length) {
        if (contentMd5 == null) {
            return in;
        }
        byte[] expected;
        try {
            expected = Base64.getDecoder().decode(contentMd5.trim());
        } catch (IllegalArgumentException e) {
            throw new S3Exception(S3ErrorCode.INVALID_DIGEST);
        }
        if (expected.length != 16) {
            throw new S3Exception(S3ErrorCode.INVALID_DIGEST);
        }
        return new ContentMd5InputStream(in, expected, length);
    }

    private static MessageDigest newMd5() {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
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
        int n = in.read(b, off, len);
        if (n > 0) {
            md5.update(b, off, n);
            seen += n;
            if (seen == length) {
                verifyOrThrow();
            }
        }
        return n;
    }

    private void verifyOrThrow() throws S3PayloadException {
        if (!MessageDigest.isEqual(md5.digest(), expected)) {
            throw new S3PayloadException(new S3Exception(S3ErrorCode.BAD_DIGEST,
                    "The Content-MD5 you specified did not match what we received."));
        }
    }

    private void verify() {
        try {
            verifyOrThrow();
        } catch (S3PayloadException e) {
            throw e.error();
        }
    }

    @Override
    public boolean markSupported() {
        return false;
    }
}
