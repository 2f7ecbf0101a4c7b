package io.needlestack.gateway.object;

import io.needlestack.storage.store.StoreUnavailableException;

/**
 * The version a read resolved was replaced before its data could be opened: an overwrite of an
 * unversioned key raced with the read, and no replica indexes the old version any more. Retryable:
 * the read resolves the key again and serves the newer version, which is what S3 allows for a GET
 * concurrent with a PUT. Left unretried, it answers 503 like any {@link StoreUnavailableException}.
 */
public final class VersionGoneException extends StoreUnavailableException {
    private static final long serialVersionUID = 1L;

    public VersionGoneException(String message) {
        super(message);
    }
}
