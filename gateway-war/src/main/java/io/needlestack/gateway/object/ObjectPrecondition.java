package io.needlestack.gateway.object;

import java.util.Optional;

/**
 * What a conditional write ({@code If-None-Match: *}, {@code If-Match: etag}) requires of the
 * object it replaces. {@link ObjectStore} checks it against the key's current object while it
 * holds the key's write lock ({@link ObjectWriteLocks}), just before the write that makes the new
 * version current, so two conditional writers of one key cannot both pass it.
 */
@FunctionalInterface
public interface ObjectPrecondition {

    /** No condition: the write takes no lock. */
    ObjectPrecondition NONE = current -> { };

    /**
     * @param current the key's current object, empty when there is none (or a delete marker)
     * @throws RuntimeException (an S3 error) when the write must not happen
     */
    void check(Optional<StoredObject> current);
}
