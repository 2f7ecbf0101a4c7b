package io.needlestack.gateway.s3.auth;

import java.util.Objects;

/**
 * An access key with its secret and the user it belongs to.
 *
 * @param accessKeyId the public half of the key
 * @param secretKey   the secret that signs requests; never logged
 * @param userId      the owner's canonical id
 * @param displayName the owner's display name
 */
public record Credential(String accessKeyId, String secretKey, String userId, String displayName) {

    /** Checks that the key and its secret are present. */
    public Credential {
        Objects.requireNonNull(accessKeyId, "accessKeyId");
        Objects.requireNonNull(secretKey, "secretKey");
    }

    /** Never shows the secret: credentials end up in logs through toString. */
    @Override
    public String toString() {
        return "Credential[accessKeyId=" + accessKeyId + ", userId=" + userId + ", displayName=" + displayName
                + ", secretKey=***]";
    }
}
