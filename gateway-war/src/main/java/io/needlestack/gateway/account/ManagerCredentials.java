package io.needlestack.gateway.account;

import static io.needlestack.gateway.account.ManagerCalls.call;

import io.needlestack.gateway.manager.ManagerClient;
import io.needlestack.gateway.s3.auth.Credential;
import io.needlestack.gateway.s3.auth.CredentialStore;
import io.needlestack.gateway.s3.http.S3Authentication;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Optional;

/**
 * Credentials for signature checks, from the manager (inactive keys count as unknown), and the
 * administrator rule: the root user may use every bucket (roles and ACLs come later).
 */
@ApplicationScoped
class ManagerCredentials implements CredentialStore, S3Authentication.Principals {

    @Inject
    ManagerClient manager;

    @Override
    public Optional<Credential> find(String accessKeyId) {
        return call(() -> manager.credential(accessKeyId)
                .filter(io.needlestack.core.account.Credential::active)
                .map(c -> new Credential(c.accessKeyId(), c.secretKey(), c.userId(), c.displayName())));
    }

    @Override
    public boolean isAdmin(String userId) {
        return ManagerCalls.ROOT_USER.equals(userId);
    }
}
