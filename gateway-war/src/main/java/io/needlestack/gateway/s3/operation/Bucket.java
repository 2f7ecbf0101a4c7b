package io.needlestack.gateway.s3.operation;

import java.time.Instant;

/**
 * A bucket as the manager records it.
 *
 * @param name    bucket name
 * @param owner   owner's user id
 * @param ownerDisplayName owner's display name
 * @param region  region given at creation (LocationConstraint)
 * @param created creation time
 */
public record Bucket(String name, String owner, String ownerDisplayName, String region, Instant created) {
}
