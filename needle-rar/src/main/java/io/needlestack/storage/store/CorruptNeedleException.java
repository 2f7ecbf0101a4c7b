package io.needlestack.storage.store;

/** Bytes on disk do not match their checksums (a corrupt or torn needle). Not retryable on this replica. */
public class CorruptNeedleException extends NeedleStoreException {
    public CorruptNeedleException(String message) {
        super(message, false, null);
    }

    public CorruptNeedleException(String message, Throwable cause) {
        super(message, false, cause);
    }
}
