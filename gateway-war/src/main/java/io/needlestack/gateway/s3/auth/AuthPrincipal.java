package io.needlestack.gateway.s3.auth;

/**
 * Who signed a request: the access key and its owner, without the secret.
 *
 * @param accessKeyId the key the request was signed with
 * @param userId      the owner's canonical id
 * @param displayName the owner's display name
 */
public record AuthPrincipal(String accessKeyId, String userId, String displayName) {

    static AuthPrincipal of(Credential credential) {
        return new AuthPrincipal(credential.accessKeyId(), credential.userId(), credential.displayName());
    }
}
