package io.needlestack.storage.store;

/** Free space on the data directory is short: writes are refused, reads go on. Retryable once space is freed. */
public class StoreFullException extends NeedleStoreException {
    public StoreFullException(String message) {
        super(message, true, null);
    }

    public StoreFullException(String message, Throwable cause) {
        super(message, true, cause);
    }
}
