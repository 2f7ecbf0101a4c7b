package io.needlestack.storage.store;

/** The store is not started, is stopping, or failed to open. Retryable. */
public class StoreUnavailableException extends NeedleStoreException {
    public StoreUnavailableException(String message) {
        super(message, true, null);
    }

    public StoreUnavailableException(String message, Throwable cause) {
        super(message, true, cause);
    }
}
