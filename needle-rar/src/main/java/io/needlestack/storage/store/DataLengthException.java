package io.needlestack.storage.store;

/** The data stream ended before the announced length (a client that hung up). Not retryable. */
public class DataLengthException extends NeedleStoreException {
    public DataLengthException(String message) {
        super(message, false, null);
    }

    public DataLengthException(String message, Throwable cause) {
        super(message, false, cause);
    }
}
