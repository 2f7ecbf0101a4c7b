package io.needlestack.gateway.internal;

import io.needlestack.storage.store.NeedleStoreException;

/**
 * A remote node could not be reached or did not answer in time (connection refused or reset,
 * timeout, a server error without a store type, the transfer damaged on the way). Retryable: the
 * same call may succeed later, or on another replica; a write belongs in the repair queue.
 */
public class ReplicaUnavailableException extends NeedleStoreException {

    private static final long serialVersionUID = 1L;

    /** A failure to reach a node, or to get a usable answer from it. */
    public ReplicaUnavailableException(String message, Throwable cause) {
        super(message, true, cause);
    }
}
