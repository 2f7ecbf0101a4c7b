package io.needlestack.storage.container;

import io.needlestack.storage.store.StoreUnavailableException;

/**
 * The container was replaced by its compacted successor while a write waited for its append lock.
 * Retryable at once: the engine picks a container again and appends there.
 */
public final class ContainerRetiredException extends StoreUnavailableException {
    ContainerRetiredException(int id) {
        super("container " + id + " was replaced by its compacted file");
    }
}
