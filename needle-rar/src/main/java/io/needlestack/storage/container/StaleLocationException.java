package io.needlestack.storage.container;

import io.needlestack.storage.store.CorruptNeedleException;

/**
 * The needle a record names is not at the record's offset: compaction moved it since the record
 * was read, or the record is stale or damaged. The engine looks the needle up again before it
 * reports a corrupt needle; callers above the engine see a {@link CorruptNeedleException}.
 */
public final class StaleLocationException extends CorruptNeedleException {
    StaleLocationException(String message) {
        super(message);
    }
}
