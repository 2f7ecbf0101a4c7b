package io.needlestack.manager.api;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Optional;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.Provider;

import io.needlestack.manager.account.Accounts;
import io.needlestack.manager.account.KeyOwner;
import io.needlestack.manager.account.Role;

/**
 * Admits admin API requests that carry HTTP Basic {@code accessKey:secretKey} of an active
 * admin user's active key: 401 {@code Unauthorized} without valid credentials, 403
 * {@code AccessDenied} for valid credentials of a non-admin user. The caller's user id is
 * left in the request property {@value #USER_PROPERTY}, the access key it used in
 * {@value #KEY_PROPERTY}.
 */
@Provider
@Priority(Priorities.AUTHENTICATION)
@ApplicationScoped
public class AdminAuthFilter implements ContainerRequestFilter {

    /** Request property holding the authenticated admin's user id. */
    public static final String USER_PROPERTY = "needlestack.admin.user";

    /** Request property holding the access key the admin authenticated with (a restore must keep it working). */
    public static final String KEY_PROPERTY = "needlestack.admin.key";

    // Compared against when the access key is unknown, so both paths cost the same.
    private static final byte[] DUMMY = "needlestack-dummy-secret-0000000000000000".getBytes(StandardCharsets.UTF_8);

    @Inject
    Accounts accounts;

    @Override
    public void filter(ContainerRequestContext request) {
        String[] basic = basic(request.getHeaderString(HttpHeaders.AUTHORIZATION));
        if (basic == null) {
            request.abortWith(unauthorized("HTTP Basic credentials (access key : secret key) required"));
            return;
        }
        Optional<KeyOwner> owner = accounts.keyOwner(basic[0]);
        byte[] expected = owner.map(o -> o.credential().secretKey().getBytes(StandardCharsets.UTF_8)).orElse(DUMMY);
        boolean match = MessageDigest.isEqual(expected, basic[1].getBytes(StandardCharsets.UTF_8));
        if (owner.isEmpty() || !match || !owner.get().credential().active()) {
            request.abortWith(unauthorized("invalid or inactive credentials"));
            return;
        }
        if (owner.get().role() != Role.ADMIN) {
            request.abortWith(ErrorMapper.error(403, "AccessDenied", "the admin API needs an admin user"));
            return;
        }
        request.setProperty(USER_PROPERTY, owner.get().credential().userId());
        request.setProperty(KEY_PROPERTY, owner.get().credential().accessKeyId());
    }

    private static String[] basic(String header) {
        if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
            return null;
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
        int colon = decoded.indexOf(':');
        if (colon <= 0) {
            return null;
        }
        return new String[] {decoded.substring(0, colon), decoded.substring(colon + 1)};
    }

    private static Response unauthorized(String message) {
        Response r = ErrorMapper.error(401, "Unauthorized", message);
        return Response.fromResponse(r).header(HttpHeaders.WWW_AUTHENTICATE, "Basic realm=\"needlestack-admin\"").build();
    }
}
