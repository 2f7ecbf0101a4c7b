package io.needlestack.gateway.s3.operation;

import java.util.List;
import java.util.Optional;

/**
 * The buckets the manager owns, as the S3 operations need them. Implemented over the manager's
 * client, which caches through JCache and is invalidated on every change.
 */
public interface BucketRegistry {

    /** A bucket by name. */
    Optional<Bucket> find(String name);

    /** The buckets a user owns, by name. */
    List<Bucket> ownedBy(String userId);

    /**
     * Creates a bucket.
     *
     * @throws io.needlestack.gateway.s3.error.S3Exception BucketAlreadyExists or BucketAlreadyOwnedByYou
     */
    Bucket create(String name, String ownerId, String region);

    /** Removes a bucket record (the caller has checked it is empty). */
    void delete(String name);
}
