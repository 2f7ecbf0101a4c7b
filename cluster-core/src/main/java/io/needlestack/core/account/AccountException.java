package io.needlestack.core.account;

/**
 * An account operation the manager refused or could not perform, with a stable error code
 * (S3-style where S3 has one, e.g. {@code NoSuchUser}, {@code InvalidBucketName}).
 */
public class AccountException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String code;

    /** A failure with a stable code. */
    public AccountException(String code, String message) {
        super(message);
        this.code = code;
    }

    /** A failure with a stable code and a cause. */
    public AccountException(String code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    /** The stable error code. */
    public String code() {
        return code;
    }

    /** Whether the same request may succeed if tried again later. */
    public boolean retryable() {
        return false;
    }
}
