package io.needlestack.core.account;

import java.util.Objects;

/**
 * An access key with what signature checking needs: the secret, and whose key it is.
 *
 * @param accessKeyId the access key id, as sent by S3 clients
 * @param secretKey the secret access key (needed in clear to compute SigV4/SigV2 signatures)
 * @param userId the owning user's id
 * @param displayName the owning user's display name (S3 Owner.DisplayName)
 * @param active false when the key or its user is disabled: requests must be refused
 */
public record Credential(String accessKeyId, String secretKey, String userId, String displayName, boolean active) {

    /** Checks that every field is present. */
    public Credential {
        Objects.requireNonNull(accessKeyId, "accessKeyId");
        Objects.requireNonNull(secretKey, "secretKey");
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(displayName, "displayName");
    }

    @Override
    public String toString() {
        // Never let a secret reach a log line.
        return "Credential[" + accessKeyId + ", user=" + userId + ", active=" + active + "]";
    }
}
