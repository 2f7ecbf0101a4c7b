package io.needlestack.manager.api;

import io.needlestack.core.node.NodeRecord;
import io.needlestack.manager.recovery.NodePlane;
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
import java.util.regex.Pattern;

/**
 * Compaction of one node's needle containers, relayed to that node's internal plane
 * ({@code /_internal/v1/compaction}, see {@code io.needlestack.gateway.compaction}), all JSON;
 * {@code {id}} is a node id or name:
 * <ul>
 *   <li>{@code POST nodes/{id}/compact[?containers=0,3]}: 202 and the node's compaction status;
 *       the run goes on in the background on that node (absent {@code containers}: all of them)</li>
 *   <li>{@code POST nodes/{id}/compact/suspend}, {@code POST nodes/{id}/compact/resume}: the status</li>
 *   <li>{@code GET nodes/{id}/compact}: the node's current or last compaction</li>
 *   <li>{@code GET nodes/{id}/du}: each container's file bytes, live bytes and the bytes
 *       compaction would give back, and their totals (LeoFS's {@code du}; the node's
 *       {@code compaction/usage})</li>
 * </ul>
 * The node must be registered and running; it need not be in the ring (an all-in-one node
 * compacts before {@code start} too). Refusals: 404 {@code NoSuchNode}; 409 {@code NodeNotRunning},
 * {@code NotAStorageNode}, and the node's own 409 {@code CompactionRunning}, {@code CompactionNotRunning}, 400
 * {@code NoSuchContainer}, 507 {@code NotEnoughSpace}, 503 {@code StoreUnavailable}; 400
 * {@code InvalidArgument} (a malformed {@code containers}); 503 {@code NodeUnreachable} (also when
 * the node has not answered within the request's time).
 */
@Path("")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
public class CompactionResource {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    // du reads the node's whole index (about a second per million needles): room for ~100 million,
    // kept under the 120 s a standby manager gives a request it forwards, so that the answer is
    // this resource's and not the forwarder's.
    private static final Duration USAGE_TIMEOUT = Duration.ofSeconds(110);
    // Checked here too: the list goes into the signed query of the node's request as it is.
    private static final Pattern CONTAINERS = Pattern.compile("\\d{1,9}(,\\d{1,9})*");

    @Inject
    ClusterManager manager;
    @Inject
    NodePlane plane;

    /** Starts compacting a node's containers (all, or those listed). */
    @POST
    @Path("nodes/{id}/compact")
    public Response start(@PathParam("id") String id, @QueryParam("containers") String containers) {
        if (containers != null && !CONTAINERS.matcher(containers).matches()) {
            throw new ClusterException("InvalidArgument", 400,
                    "containers must be container ids separated by commas, e.g. 0,3");
        }
        return relay(id, "POST", "start" + (containers == null ? "" : "?containers=" + containers));
    }

    /** Pauses a node's running compaction. */
    @POST
    @Path("nodes/{id}/compact/suspend")
    public Response suspend(@PathParam("id") String id) {
        return relay(id, "POST", "suspend");
    }

    /** Resumes a node's suspended compaction. */
    @POST
    @Path("nodes/{id}/compact/resume")
    public Response resume(@PathParam("id") String id) {
        return relay(id, "POST", "resume");
    }

    /** A node's current or last compaction. */
    @GET
    @Path("nodes/{id}/compact")
    public Response status(@PathParam("id") String id) {
        return relay(id, "GET", "status");
    }

    /** A node's container usage: what compacting each container would give back. */
    @GET
    @Path("nodes/{id}/du")
    public Response usage(@PathParam("id") String id) {
        return relay(id, "GET", "usage", USAGE_TIMEOUT, "asked for its container usage");
    }

    private Response relay(String id, String method, String request) {
        return relay(id, method, request, TIMEOUT, "compacted");
    }

    /**
     * Sends {@code compaction/request} to the node {@code id} names once it is known, running and
     * a storage node.
     *
     * @param done what is done to it, for the {@code NodeNotRunning} refusal
     */
    private Response relay(String id, String method, String request, Duration timeout, String done) {
        NodeRecord r = NodeRelay.requireStorage(NodeRelay.requireRunning(NodeRelay.known(manager, id), id, done), id);
        return NodeRelay.relay(plane.send(r.internalEndpoint(), method, "compaction/" + request, timeout));
    }
}
