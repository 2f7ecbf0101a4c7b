package io.needlestack.manager.api;

import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

import io.needlestack.manager.ring.ClusterException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

import io.needlestack.core.account.AccountException;
import io.needlestack.core.account.AccountJson;

/**
 * Turns every failure into a JSON error {@code {"code","message"}}: account errors with their
 * stable code and the status below, JAX-RS errors (unknown path, wrong method) with a code
 * named after the status, anything else as 500 {@code InternalError} (logged, not shown).
 */
@Provider
@ApplicationScoped
public class ErrorMapper implements ExceptionMapper<Exception> {

    private static final Logger LOG = Logger.getLogger(ErrorMapper.class.getName());

    private static final Map<String, Integer> STATUS = Map.ofEntries(
            Map.entry("NoSuchUser", 404), Map.entry("NoSuchBucket", 404), Map.entry("NoSuchAccessKey", 404),
            Map.entry("InvalidAccessKeyId", 404),
            Map.entry("UserAlreadyExists", 409), Map.entry("UserOwnsBuckets", 409),
            Map.entry("BucketAlreadyExists", 409), Map.entry("BucketAlreadyOwnedByYou", 409),
            Map.entry("CannotDeleteRoot", 409), Map.entry("LastAdminKey", 409), Map.entry("AccessKeyInUse", 409),
            Map.entry("BucketNotEmpty", 409), Map.entry("CannotChangeRootRole", 409),
            Map.entry("LastActiveAdmin", 409),
            Map.entry("ManagerNotEmpty", 409), Map.entry("WouldLockOutCaller", 409),
            Map.entry("ServiceUnavailable", 503));

    /** The HTTP status of an account error code (400 for validation errors and unknown codes). */
    public static int status(String code) {
        return STATUS.getOrDefault(code, 400);
    }

    /** A JSON error response. */
    public static Response error(int status, String code, String message) {
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE)
                .entity(AccountJson.error(code, message)).build();
    }

    @Override
    public Response toResponse(Exception e) {
        if (e instanceof AccountException a) {
            return error(status(a.code()), a.code(), a.getMessage());
        }
        if (e instanceof ClusterException c) {
            return error(c.status(), c.code(), c.getMessage());
        }
        if (e instanceof WebApplicationException w) {
            Response.StatusType s = w.getResponse().getStatusInfo();
            return error(s.getStatusCode(), s.getReasonPhrase().replace(" ", ""), s.getReasonPhrase());
        }
        LOG.log(Level.WARNING, "admin/internal API request failed", e);
        return error(500, "InternalError", "internal error, see the manager's log");
    }
}
