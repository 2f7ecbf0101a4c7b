package io.needlestack.manager.api;

import io.needlestack.core.node.NodeRecord;
import io.needlestack.core.node.RecoveryRecord;
import io.needlestack.manager.recovery.NodePlane;
import io.needlestack.manager.recovery.RecoveryStates;
import io.needlestack.manager.ring.ClusterException;
import io.needlestack.manager.ring.ClusterManager;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Duration;

/**
 * Replica inspection and anti-entropy (LeoFS's {@code whereis}, {@code recover-file},
 * {@code recover-node}), all JSON:
 * <ul>
 *   <li>{@code GET whereis?bucket=B&key=K}: {@code {"bucket","key","ringVersion","newest":{..}|null,
 *       "replicas":[{"node","version","hlc","checksum","state","tombstone","size"}],"chunked",
 *       "chunks":[{"name","size","replicas":[..]}]}}, state {@code ok|tombstone|stale|missing|unreachable}</li>
 *   <li>{@code POST recover-file?bucket=B&key=K}: the same after copying the newest version to
 *       the replicas (and chunk replicas) that lack it, plus {@code "copied","copyErrors"}</li>
 *   <li>{@code POST nodes/{id}/recover}: 202 and the node's recovery record; the pass runs in the
 *       background on that node</li>
 *   <li>{@code GET nodes/{id}/recover}: the node's recovery record</li>
 * </ul>
 * Refusals: 404 {@code NoSuchNode}; 409 {@code NodeNotInRing}, {@code NodeNotRunning},
 * {@code RecoveryRunning}, {@code RingMismatch}; 503 {@code NodeUnreachable}, {@code NoLiveNode};
 * 400 {@code InvalidArgument}.
 */
@Path("")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
public class RecoveryResource {

    private static final Duration WHEREIS_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration FILE_TIMEOUT = Duration.ofMinutes(5);

    @Inject
    ClusterManager manager;
    @Inject
    NodePlane plane;
    @Inject
    RecoveryStates states;

    /** Which replicas hold an object, with their versions and checksums. */
    @GET
    @Path("whereis")
    public Response whereis(@QueryParam("bucket") String bucket, @QueryParam("key") String key) {
        return object("GET", "whereis", bucket, key, WHEREIS_TIMEOUT);
    }

    /** Repairs one object's replicas (and its chunks') now. */
    @POST
    @Path("recover-file")
    public Response recoverFile(@QueryParam("bucket") String bucket, @QueryParam("key") String key) {
        return object("POST", "file", bucket, key, FILE_TIMEOUT);
    }

    /** Starts recover-node on a node. */
    @POST
    @Path("nodes/{id}/recover")
    public Response recover(@PathParam("id") String id) {
        NodeRecord r = runningMember(id);
        return NodeRelay.relay(plane.call(r.internalEndpoint(), "POST", "start", WHEREIS_TIMEOUT));
    }

    /** A node's current or last recovery. */
    @GET
    @Path("nodes/{id}/recover")
    public Response recoverStatus(@PathParam("id") String id) {
        ClusterManager.NodeView v = NodeRelay.known(manager, id);
        if (NodeRelay.running(v)) {
            try {
                return NodeRelay.relay(plane.call(v.record().internalEndpoint(), "GET", "status", WHEREIS_TIMEOUT));
            } catch (ClusterException e) {
                // fall back to what it last published
            }
        }
        RecoveryRecord rec = states.of(id).orElseThrow(() -> new ClusterException("NoRecoveryState", 404,
                "node " + id + " has published no recovery state"));
        return Response.ok(rec.toJson(), MediaType.APPLICATION_JSON_TYPE).build();
    }

    private Response object(String method, String op, String bucket, String key, Duration timeout) {
        if (bucket == null || bucket.isEmpty() || key == null || key.isEmpty()) {
            throw new ClusterException("InvalidArgument", 400, "bucket and key are required (whereis?bucket=B&key=K)");
        }
        NodeRecord node = plane.anyLiveNode();
        return NodeRelay.relay(plane.call(node.internalEndpoint(), method, op + "?bucket=" + NodePlane.encode(bucket)
                + "&key=" + NodePlane.encode(key), timeout));
    }

    private NodeRecord runningMember(String id) {
        ClusterManager.NodeView v = NodeRelay.known(manager, id);
        if (!v.inRing()) {
            throw new ClusterException("NodeNotInRing", 409, "node " + id + " is not in the ring: it has no replicas to recover");
        }
        return NodeRelay.requireRunning(v, id, "recovered");
    }
}
