package io.needlestack.manager.account;

import io.needlestack.core.account.BucketInfo;

/**
 * The outcome of {@code chown-bucket}.
 *
 * @param bucket the bucket record as it is now
 * @param previousOwner the owner it had
 * @param changed false when it had that owner already
 */
public record OwnerChange(BucketInfo bucket, String previousOwner, boolean changed) {
}
