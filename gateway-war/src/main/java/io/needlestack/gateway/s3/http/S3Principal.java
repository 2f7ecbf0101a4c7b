package io.needlestack.gateway.s3.http;

/**
 * Who sent an authenticated request.
 *
 * @param userId      the user's id (bucket owner ids are user ids)
 * @param displayName the user's display name
 * @param admin       whether the user may act on every bucket (the root user)
 */
public record S3Principal(String userId, String displayName, boolean admin) {
}
