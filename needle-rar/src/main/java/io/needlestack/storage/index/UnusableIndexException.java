package io.needlestack.storage.index;

import java.io.IOException;

/**
 * The index is corrupt or of another format version. It holds nothing the containers do not, so
 * the engine deletes it and rebuilds it; any other failure to open (a lock held by a running
 * engine) must never lead to that.
 */
public class UnusableIndexException extends IOException {
    private static final long serialVersionUID = 1L;

    /** With the reason and the underlying failure, if any. */
    public UnusableIndexException(String message, Throwable cause) {
        super(message, cause);
    }
}
