package io.needlestack.core.account;

import java.time.Instant;
import java.util.Objects;

/**
 * The manager's record of a bucket.
 *
 * @param name the bucket name
 * @param ownerId the id of the owning user
 * @param region the region the bucket was created in (GetBucketLocation)
 * @param created when the bucket was created (ListBuckets CreationDate), millisecond precision
 */
public record BucketInfo(String name, String ownerId, String region, Instant created) {

    /** Checks that every field is present. */
    public BucketInfo {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(ownerId, "ownerId");
        Objects.requireNonNull(region, "region");
        Objects.requireNonNull(created, "created");
    }
}
