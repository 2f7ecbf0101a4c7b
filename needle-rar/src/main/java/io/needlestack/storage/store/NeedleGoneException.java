package io.needlestack.storage.store;

/**
 * The version a record names is no longer stored here: it was overwritten, deleted, handed over or
 * purged after the record was read, and compaction has reclaimed its bytes. Retryable: resolving
 * the key again finds what replaced it (S3 lets a GET concurrent with a PUT return either).
 */
public class NeedleGoneException extends NeedleStoreException {
    public NeedleGoneException(String message) {
        super(message, true, null);
    }
}
