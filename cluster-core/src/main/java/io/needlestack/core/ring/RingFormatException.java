package io.needlestack.core.ring;

/**
 * Bytes that are not a ring this code can read: wrong magic, unknown format version, truncated,
 * or failing their CRC. Not retryable: reading the same bytes again gives the same answer; the
 * holder must fetch the ring again from the manager.
 */
public final class RingFormatException extends Exception {

    private static final long serialVersionUID = 1L;

    /** A refusal with its reason. */
    public RingFormatException(String message) {
        super(message);
    }

    /** A refusal caused by another failure. */
    public RingFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
