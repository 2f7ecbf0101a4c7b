package io.needlestack.gateway.object.cache;

import io.needlestack.core.config.NodeConfig;
import io.needlestack.gateway.internal.InternalProtocol;
import io.needlestack.storage.store.NeedleKey;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.logging.Logger;

/**
 * The manager's {@code purge-cache} on the internal plane (port and HMAC checked by the internal
 * plane's filter before this runs):
 * {@code POST /_internal/v1/cache/purge?bucket=B64&key=B64} (base64url of UTF-8) drops the object
 * from this gateway's cache, and answers
 * {@code 200 {"node","bucket","key","memoryEntries","diskEntries"}} once it is gone:
 * <ul>
 *   <li>its kept newest version (the answer of a HEAD kept under call-back promises), as a
 *   replica's call-back does ({@link CacheCoherence#drop}), so the next GET asks the replicas;</li>
 *   <li>its bodies and its chunks' bodies in the memory and disk tiers ({@link ObjectCache#purge}),
 *   so the next GET reads them from storage.</li>
 * </ul>
 * The kept version goes first: a GET between the two steps then finds no kept answer, and a
 * body it caches again comes from storage, as after the purge. Failures: 400 {@code BadRequest}
 * (a parameter absent, empty or not base64url).
 */
@Path("_internal/v1/cache")
@RequestScoped
public class CachePurgeResource {

    private static final Logger LOG = Logger.getLogger(CachePurgeResource.class.getName());
    private static final String JSON = "application/json";

    @Inject
    GatewayCache cache;
    @Inject
    CacheCoherence coherence;

    /** Drops the object from this gateway's cache (both tiers and the kept newest version). */
    @POST
    @Path("purge")
    public Response purge(@QueryParam("bucket") String bucket, @QueryParam("key") String key) {
        if (bucket == null || key == null) {
            return badRequest("bucket and key are required, as base64url");
        }
        String b;
        String k;
        try {
            b = InternalProtocol.decode(bucket);
            k = InternalProtocol.decode(key);
        } catch (IllegalArgumentException e) {
            return badRequest("bucket and key are required, as base64url");
        }
        if (b.isEmpty() || k.isEmpty()) {
            return badRequest("bucket and key are required, as base64url");
        }
        coherence.drop(List.of(NeedleKey.object(b, k)));
        ObjectCache.Purged purged = cache.cache().purge(b, k);
        // The operator's action is logged by the manager; this node's detail is for debugging.
        LOG.fine(() -> "object cache purge of " + b + "/" + k + ": dropped the kept newest version, "
                + purged.memoryEntries() + " memory and " + purged.diskEntries() + " disk entries");
        return Response.ok(Json.createObjectBuilder().add("node", NodeConfig.current().nodeId()).add("bucket", b)
                .add("key", k).add("memoryEntries", purged.memoryEntries()).add("diskEntries", purged.diskEntries())
                .build().toString(), JSON).build();
    }

    private static Response badRequest(String message) {
        return Response.status(400).type(JSON).entity(Json.createObjectBuilder().add("code", "BadRequest")
                .add("message", message).build().toString()).build();
    }
}
