package io.needlestack.gateway.s3.auth;

import io.needlestack.gateway.s3.error.S3ErrorCode;
import io.needlestack.gateway.s3.error.S3Exception;

import java.io.IOException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The body did not match what the request declared (chunk signature, framing, SHA-256,
 * Content-MD5, checksum, length). It is an {@link IOException} because it surfaces from
 * {@link PayloadStream#read}, through whatever is copying the body; the caller must discard
 * everything read so far and answer with {@link #toS3Exception()}.
 */
public class S3PayloadException extends IOException {

    private static final long serialVersionUID = 1L;

    private final S3ErrorCode errorCode;
    private final Map<String, String> details;

    /** A payload failure with S3's default message. */
    public S3PayloadException(S3ErrorCode errorCode) {
        this(errorCode, errorCode.defaultMessage());
    }

    /** A payload failure with a message of its own. */
    public S3PayloadException(S3ErrorCode errorCode, String message) {
        this(errorCode, message, Map.of());
    }

    /** A payload failure with extra elements for the error document. */
    public S3PayloadException(S3ErrorCode errorCode, String message, Map<String, String> details) {
        super(message);
        this.errorCode = Objects.requireNonNull(errorCode, "errorCode");
        this.details = Collections.unmodifiableMap(new LinkedHashMap<>(details));
    }

    /** The S3 error. */
    public S3ErrorCode errorCode() {
        return errorCode;
    }

    /** The same failure as the exception the JAX-RS layer answers with. */
    public S3Exception toS3Exception() {
        return new S3Exception(errorCode, getMessage(), null, details, this);
    }
}
