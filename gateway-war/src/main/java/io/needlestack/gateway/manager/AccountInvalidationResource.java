package io.needlestack.gateway.manager;

import io.needlestack.core.account.AccountCaches;
import io.needlestack.gateway.internal.InternalProtocol;
import io.needlestack.gateway.internal.NeedleJson;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;
import java.util.List;

/**
 * The manager's call after every account change, on the internal plane (port and HMAC checked by
 * the internal plane's filter before this runs):
 * {@code POST /_internal/v1/account/invalidate?cache=NAME&key=B64&key=B64..} drops the keys
 * (base64url of UTF-8) from this node's near cache of {@code NAME}
 * ({@value AccountCaches#CREDENTIALS} or {@value AccountCaches#BUCKETS}) and answers
 * {@code 200 {"invalidated":N}} once they are gone, so the manager knows this gateway will not
 * answer with the old record again.
 */
@Path("_internal/v1/account")
@RequestScoped
public class AccountInvalidationResource {

    private static final String JSON = "application/json";
    /** More keys than the manager ever sends in one request (it sends them in batches). */
    private static final int MAX_KEYS = 1000;

    @Inject
    ManagerClient manager;

    /** Drops the keys from the near cache; 400 for an unknown cache, no key or a malformed key. */
    @POST
    @Path("invalidate")
    public Response invalidate(@QueryParam("cache") String cache, @QueryParam("key") List<String> keys) {
        if (!AccountCaches.CREDENTIALS.equals(cache) && !AccountCaches.BUCKETS.equals(cache)) {
            return badRequest("cache must be " + AccountCaches.CREDENTIALS + " or " + AccountCaches.BUCKETS);
        }
        if (keys == null || keys.isEmpty() || keys.size() > MAX_KEYS) {
            return badRequest("1.." + MAX_KEYS + " key parameters are required");
        }
        List<String> decoded;
        try {
            decoded = keys.stream().map(InternalProtocol::decode).toList();
        } catch (IllegalArgumentException e) {
            return badRequest("a key is not base64url");
        }
        manager.invalidate(cache, decoded);
        return Response.ok("{\"invalidated\":" + decoded.size() + "}", JSON).build();
    }

    private static Response badRequest(String message) {
        return Response.status(400).type(JSON).header(InternalProtocol.RETRYABLE_HEADER, "false")
                .entity(NeedleJson.error("BadRequest", message, false)).build();
    }
}
