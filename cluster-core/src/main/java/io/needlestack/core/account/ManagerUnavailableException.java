package io.needlestack.core.account;

/**
 * The manager could not be reached or failed (timeout, connection refused, 5xx): the request
 * did not get an answer and may be retried; gateways answer S3 clients 503 SlowDown/ServiceUnavailable.
 */
public final class ManagerUnavailableException extends AccountException {

    private static final long serialVersionUID = 1L;

    /** The manager did not answer. */
    public ManagerUnavailableException(String message, Throwable cause) {
        super("ServiceUnavailable", message, cause);
    }

    @Override
    public boolean retryable() {
        return true;
    }
}
