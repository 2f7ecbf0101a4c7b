package io.needlestack.manager.internal;

import java.net.URI;
import java.util.logging.Logger;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.ext.Provider;

import io.needlestack.core.internal.InternalAuth;
import io.needlestack.core.internal.InternalAuthException;
import io.needlestack.manager.api.ErrorMapper;

/**
 * Admits internal requests whose HMAC headers verify against the cluster secret over the
 * method and the raw path and query as received; 403 {@code AccessDenied} otherwise (the
 * reason is logged, not told to the caller).
 */
@Provider
@Priority(Priorities.AUTHENTICATION)
@ApplicationScoped
public class InternalAuthFilter implements ContainerRequestFilter {

    private static final Logger LOG = Logger.getLogger(InternalAuthFilter.class.getName());

    @Inject
    NodeInternalAuth auth;

    @Override
    public void filter(ContainerRequestContext request) {
        URI uri = request.getUriInfo().getRequestUri();
        String target = uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        try {
            auth.get().verify(request.getMethod(), target,
                    request.getHeaderString(InternalAuth.DATE_HEADER),
                    request.getHeaderString(InternalAuth.NONCE_HEADER),
                    request.getHeaderString(InternalAuth.SIGNATURE_HEADER));
        } catch (InternalAuthException e) {
            LOG.info(() -> "internal request refused: " + request.getMethod() + " " + target + ": " + e.getMessage());
            if (e.reason() == InternalAuthException.Reason.OVERLOADED) {
                // Correctly signed; the replay memory is full. Load, not a failed authentication.
                request.abortWith(ErrorMapper.error(503, "SlowDown", "replay memory full, try again"));
            } else {
                request.abortWith(ErrorMapper.error(403, "AccessDenied", "internal request not authenticated"));
            }
        }
    }
}
