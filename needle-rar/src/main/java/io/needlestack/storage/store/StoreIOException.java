package io.needlestack.storage.store;

/** An I/O failure that is neither corruption nor a full disk. Retryable. */
public class StoreIOException extends NeedleStoreException {
    public StoreIOException(String message) {
        super(message, true, null);
    }

    public StoreIOException(String message, Throwable cause) {
        super(message, true, cause);
    }
}
