package io.needlestack.gateway.recovery;

import io.needlestack.gateway.internal.InternalAnswers;
import io.needlestack.gateway.internal.InternalProtocol;
import io.needlestack.storage.store.NeedleStoreException;
import jakarta.ejb.EJBException;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;
import java.util.Base64;
import java.util.BitSet;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The recovery requests of the internal plane (see the package documentation), under
 * {@code /_internal/v1/recovery}: reached only through the internal port's filter, which has
 * checked the cluster HMAC.
 */
@Path("_internal/v1/recovery")
@RequestScoped
public class RecoveryResource {

    private static final Logger LOG = Logger.getLogger(RecoveryResource.class.getName());
    private static final String JSON = "application/json";
    private static final int MAX_ENTRIES = 20_000;

    @Inject
    NodeRecovery recovery;
    @Inject
    ReplicaInspector inspector;

    /** Digests per sub-range of what this node holds with the peer. */
    @GET
    @Path("digests")
    public Response digests(@QueryParam("peer") String peer, @QueryParam("ring") String ring) {
        return answer(() -> {
            require(peer, ring);
            return ok(recovery.digests(InternalProtocol.decode(peer), ring));
        });
    }

    /** One page of what this node holds with the peer in the given sub-ranges. */
    @GET
    @Path("entries")
    public Response entries(@QueryParam("peer") String peer, @QueryParam("ring") String ring,
                            @QueryParam("segments") String segments, @QueryParam("after") String after,
                            @QueryParam("limit") String limit) {
        return answer(() -> {
            require(peer, ring);
            if (segments == null) {
                throw new IllegalArgumentException("segments is required");
            }
            int n = limit == null ? 5000 : Integer.parseInt(limit);
            if (n < 1 || n > MAX_ENTRIES) {
                throw new IllegalArgumentException("limit must be 1.." + MAX_ENTRIES);
            }
            BitSet bits = BitSet.valueOf(Base64.getUrlDecoder().decode(segments));
            return ok(recovery.entries(InternalProtocol.decode(peer), ring, bits,
                    after == null ? null : RecoveryJson.cursor(InternalProtocol.decode(after)), n));
        });
    }

    /** Starts a recovery of this node in the background. */
    @POST
    @Path("start")
    public Response start() {
        return answer(() -> Response.status(202).type(JSON).entity(recovery.startRecovery().toJson()).build());
    }

    /** The current or last recovery of this node. */
    @GET
    @Path("status")
    public Response status() {
        return answer(() -> ok(recovery.status().toJson()));
    }

    /** Which replicas hold an object. */
    @GET
    @Path("whereis")
    public Response whereis(@QueryParam("bucket") String bucket, @QueryParam("key") String key) {
        return answer(() -> {
            require(bucket, key);
            return ok(inspector.whereis(InternalProtocol.decode(bucket), InternalProtocol.decode(key)));
        });
    }

    /** Repairs one object's replicas now. */
    @POST
    @Path("file")
    public Response file(@QueryParam("bucket") String bucket, @QueryParam("key") String key) {
        return answer(() -> {
            require(bucket, key);
            return ok(inspector.recoverFile(InternalProtocol.decode(bucket), InternalProtocol.decode(key)));
        });
    }

    private static void require(String a, String b) {
        if (a == null || b == null || a.isEmpty() || b.isEmpty()) {
            throw new IllegalArgumentException("both parameters are required");
        }
    }

    private static Response ok(String json) {
        return Response.ok(json, JSON).build();
    }


    private static Response answer(Supplier<Response> call) {
        try {
            return call.get();
        } catch (RecoveryRefusedException e) {
            return InternalAnswers.error(e.status(), e.code(), e.getMessage());
        } catch (IllegalArgumentException e) {
            return InternalAnswers.error(400, "BadRequest", e.getMessage());
        } catch (NeedleStoreException | EJBException e) {
            LOG.log(Level.WARNING, "recovery request failed", e);
            return InternalAnswers.error(503, "StoreUnavailable", String.valueOf(e.getMessage()));
        }
    }
}
