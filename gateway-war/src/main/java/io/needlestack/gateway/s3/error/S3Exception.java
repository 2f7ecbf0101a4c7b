package io.needlestack.gateway.s3.error;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A request failed with an S3 error: what the exception mapper turns into S3's XML error document
 * ({@code Code}, {@code Message}, {@code Resource}, plus any {@linkplain #details() details}, which
 * S3 adds as extra elements, e.g. {@code StringToSign} for a signature mismatch or
 * {@code ServerTime} for a skewed clock).
 */
public class S3Exception extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final S3ErrorCode errorCode;
    private final String resource;
    private final Map<String, String> details;

    /** An error with S3's default message. */
    public S3Exception(S3ErrorCode errorCode) {
        this(errorCode, errorCode.defaultMessage(), null, Map.of(), null);
    }

    /** An error with a message of its own. */
    public S3Exception(S3ErrorCode errorCode, String message) {
        this(errorCode, message, null, Map.of(), null);
    }

    /** An error about a resource (e.g. {@code /bucket/key}). */
    public S3Exception(S3ErrorCode errorCode, String message, String resource) {
        this(errorCode, message, resource, Map.of(), null);
    }

    /**
     * The full form.
     *
     * @param message  null for the code's default message
     * @param resource null when the mapper should use the request path
     * @param details  extra elements of the error document, in document order
     * @param cause    what went wrong underneath, if anything
     */
    public S3Exception(S3ErrorCode errorCode, String message, String resource,
                       Map<String, String> details, Throwable cause) {
        super(message == null ? Objects.requireNonNull(errorCode, "errorCode").defaultMessage() : message, cause);
        this.errorCode = Objects.requireNonNull(errorCode, "errorCode");
        this.resource = resource;
        this.details = Collections.unmodifiableMap(new LinkedHashMap<>(details));
    }

    /** The S3 error. */
    public S3ErrorCode errorCode() {
        return errorCode;
    }

    /** The resource the error is about, or null when the request's own path applies. */
    public String resource() {
        return resource;
    }

    /** Extra elements for the error document, in order; never null. */
    public Map<String, String> details() {
        return details;
    }

    /** The same error with one more element in its document (S3 adds e.g. {@code BucketName}); a null value adds nothing. */
    public S3Exception with(String element, String value) {
        if (value == null) {
            return this;
        }
        Map<String, String> more = new LinkedHashMap<>(details);
        more.put(element, value);
        return new S3Exception(errorCode, getMessage(), resource, more, getCause());
    }

    /** The same error about the given resource. */
    public S3Exception withResource(String newResource) {
        return new S3Exception(errorCode, getMessage(), newResource, details, getCause());
    }

    @Override
    public String toString() {
        return "S3Exception[" + errorCode.code() + " " + errorCode.httpStatus() + ": " + getMessage()
                + (resource == null ? "" : " (" + resource + ")") + "]";
    }
}
