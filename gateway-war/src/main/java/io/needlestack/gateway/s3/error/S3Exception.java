package io.needlestack.gateway.s3.error;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An S3 error to answer the client with. Thrown anywhere below the HTTP resources and rendered
 * by {@link S3ExceptionMapper} as S3's XML error document.
 */
public class S3Exception extends RuntimeException {
    private final S3ErrorCode error;
    private final String resource;
    private final Map<String, String> details = new LinkedHashMap<>();

    public S3Exception(S3ErrorCode error) {
        this(error, error.message(), null);
    }

    public S3Exception(S3ErrorCode error, String message) {
        this(error, message, null);
    }

    public S3Exception(S3ErrorCode error, String message, String resource) {
        super(message == null ? error.message() : message, null, false, false);
        this.error = error;
        this.resource = resource;
    }

    /** Adds an extra element to the error document (S3 adds e.g. {@code BucketName}, {@code Key}). */
    public S3Exception with(String element, String value) {
        if (value != null) {
            details.put(element, value);
        }
        return this;
    }

    /** The error. */
    public S3ErrorCode error() {
        return error;
    }

    /** The resource the error is about, if known. */
    public String resource() {
        return resource;
    }

    /** Extra elements of the error document. */
    public Map<String, String> details() {
        return details;
    }
}
