package io.needlestack.gateway.s3.http;

import io.needlestack.core.config.NodeConfig;
import io.needlestack.gateway.s3.auth.AuthPrincipal;
import io.needlestack.gateway.s3.auth.AuthResult;
import io.needlestack.gateway.s3.auth.Authenticator;
import io.needlestack.gateway.s3.auth.CredentialStore;
import io.needlestack.gateway.s3.auth.SignedRequest;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The gateway's authentication: one {@link Authenticator} (it caches signing keys) over the
 * manager's credentials, plus the settings request parsing needs (the S3 domains of
 * virtual-host-style addressing, {@code needlestack.s3.domains}, default {@code localhost}).
 */
@ApplicationScoped
public class S3Authentication {

    @Inject
    CredentialStore credentials;
    @Inject
    Principals principals;

    private Authenticator authenticator;
    private List<String> domains;

    @PostConstruct
    void init() {
        NodeConfig config = NodeConfig.current();
        // Clients sign with whatever region they were configured with; S3-compatible stores accept any.
        authenticator = new Authenticator(credentials, null, Clock.systemUTC());
        domains = Arrays.stream(config.get("needlestack.s3.domains", "localhost").split(","))
                .map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    /** The domains under which {@code bucket.domain} names a bucket. */
    public List<String> domains() {
        return domains;
    }

    /** Authenticates a request from its raw parts. */
    public AuthResult authenticate(String method, String rawPath, String rawQuery, Map<String, List<String>> headers,
                                   String virtualHostBucket) {
        SignedRequest signed = SignedRequest.of(method, rawPath, rawQuery, headers);
        return authenticator.authenticate(signed, virtualHostBucket);
    }

    /** The principal of an authenticated (non-anonymous) result. */
    public S3Principal principal(AuthResult auth) {
        AuthPrincipal p = auth.principal().orElseThrow();
        return new S3Principal(p.userId(), p.displayName(), principals.isAdmin(p.userId()));
    }

    /** Which users act as administrators (every bucket is theirs to use). */
    public interface Principals {
        /** Whether the user is an administrator. */
        boolean isAdmin(String userId);
    }
}
