package io.needlestack.storage.store;

/**
 * Base of every failure of the needle store. Unchecked so it crosses EJB boundaries as itself;
 * {@link #retryable()} says whether trying the same call again later can succeed.
 */
@jakarta.ejb.ApplicationException(rollback = false, inherited = true)
public class NeedleStoreException extends RuntimeException {
    private final boolean retryable;

    public NeedleStoreException(String message, boolean retryable, Throwable cause) {
        super(message, cause);
        this.retryable = retryable;
    }

    /** True when the same call may succeed later (I/O hiccup, store starting); false otherwise. */
    public boolean retryable() {
        return retryable;
    }
}
