package io.needlestack.gateway.s3.auth;

import java.util.Optional;

/** Where the secret of an access key is looked up (the manager's users, through JCache). */
public interface CredentialStore {

    /** The credential of an access key, or empty when there is no such (active) key. */
    Optional<Credential> find(String accessKeyId);
}
