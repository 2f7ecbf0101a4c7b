package io.needlestack.gateway.s3.error;

import java.io.IOException;

/**
 * A request payload that failed verification (Content-MD5, x-amz-content-sha256, chunk
 * signatures, trailer checksums). An {@link IOException} because it surfaces from the read of
 * the body stream, inside whatever was consuming it (storage spooling a needle); the mapper
 * finds it in the cause chain and answers with the S3 error it carries.
 */
public class S3PayloadException extends IOException {
    private final S3Exception error;

    public S3PayloadException(S3Exception error) {
        super(error.getMessage());
        this.error = error;
    }

    /** The S3 error to answer with. */
    public S3Exception error() {
        return error;
    }

    /** The payload failure somewhere in {@code t}'s cause chain, if any. */
    public static S3PayloadException findIn(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof S3PayloadException p) {
                return p;
            }
            if (c.getCause() == c) {
                break;
            }
        }
        return null;
    }
}
