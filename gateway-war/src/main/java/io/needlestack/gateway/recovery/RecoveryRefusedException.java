package io.needlestack.gateway.recovery;

/**
 * A recovery request this node refuses, with a stable code and HTTP status: 409
 * {@code RecoveryRunning} (one at a time), 409 {@code RingMismatch} (the two nodes place by
 * different rings: comparing would copy to the wrong nodes), 409 {@code NoRing}.
 */
public class RecoveryRefusedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String code;
    private final int status;

    RecoveryRefusedException(String code, int status, String message) {
        super(message);
        this.code = code;
        this.status = status;
    }

    /** The stable error code. */
    public String code() {
        return code;
    }

    /** The HTTP status of the refusal. */
    public int status() {
        return status;
    }
}
