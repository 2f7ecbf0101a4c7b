package io.needlestack.core.ring;

/**
 * A ring change the manager must refuse: attaching a node that is already a member, detaching one
 * that is not, or leaving fewer nodes than N. The message is meant for the operator.
 */
public final class RingChangeException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** A refused change. */
    public RingChangeException(String message) {
        super(message);
    }
}
