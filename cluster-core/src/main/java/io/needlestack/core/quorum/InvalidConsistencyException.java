package io.needlestack.core.quorum;

/** Consistency levels that cannot work, e.g. W greater than N, or a change of N after creation. */
public final class InvalidConsistencyException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    /** A refusal, with a message meant for the operator. */
    public InvalidConsistencyException(String message) {
        super(message);
    }
}
