package io.needlestack.gateway.internal;

import io.needlestack.storage.store.NeedleStoreException;

/**
 * A remote node answered and refused the request (a 4xx other than "no such needle": a bad
 * request, a failed HMAC, a wrong port). Not retryable: sending it again gets the same answer.
 */
public class ReplicaRefusedException extends NeedleStoreException {

    private static final long serialVersionUID = 1L;

    private final int status;
    private final String code;

    /** A refusal with the HTTP status and the error code of the answer. */
    public ReplicaRefusedException(int status, String code, String message) {
        super(message, false, null);
        this.status = status;
        this.code = code;
    }

    /** The HTTP status, e.g. 403. */
    public int status() {
        return status;
    }

    /** The error code of the answer, e.g. {@code AccessDenied} (empty when there was none). */
    public String code() {
        return code;
    }
}
