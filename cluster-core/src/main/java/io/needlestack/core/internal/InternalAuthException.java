package io.needlestack.core.internal;

/**
 * An internal request whose authentication was refused. The {@link Reason} is for logs and
 * tests; callers answer every reason the same way (403), so a prober learns nothing from it.
 */
public final class InternalAuthException extends Exception {

    private static final long serialVersionUID = 1L;

    /** Why a request was refused. */
    public enum Reason {
        /** A header is missing. */
        MISSING,
        /** A header is present but not well-formed. */
        MALFORMED,
        /** The timestamp is outside the accepted window. */
        SKEW,
        /** The signature does not match. */
        BAD_SIGNATURE,
        /** The nonce was already used inside the window. */
        REPLAYED,
        /** The replay cache is full of live nonces: refusing is the only safe answer. */
        OVERLOADED
    }

    private final Reason reason;

    /** A refusal for the given reason. */
    public InternalAuthException(Reason reason, String message) {
        super(reason + ": " + message);
        this.reason = reason;
    }

    /** Why the request was refused. */
    public Reason reason() {
        return reason;
    }
}
