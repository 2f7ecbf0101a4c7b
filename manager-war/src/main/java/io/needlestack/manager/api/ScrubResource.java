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
 * Scrub of one node's needles (every version its index points at read in full and checked),
 * relayed to that node's internal plane ({@code /_internal/v1/scrub}) as compaction is
 * ({@link CompactionResource}), all JSON; {@code {id}} is a node id or name:
 * <ul>
 *   <li>{@code POST nodes/{id}/scrub[?rate=N]}: 202 and the node's scrub status; the run goes on in
 *       the background on that node, reading at most {@code N} bytes per second (absent: the node's
 *       configured rate); starting while one runs answers the running one's status</li>
 *   <li>{@code GET nodes/{id}/scrub}: the node's current or last scrub, with the damaged versions
 *       it waits to repair</li>
 * </ul>
 * The node must be registered, running and a storage node; it need not be in the ring. Refusals:
 * 404 {@code NoSuchNode}; 409 {@code NodeNotRunning}, {@code NotAStorageNode}; 400
 * {@code InvalidArgument} (a {@code rate} that is not a whole number from 1 to 10^12, checked here and by
 * the node); the node's own 503 {@code StoreUnavailable}; 503 {@code NodeUnreachable} (also when the
 * node has not answered within the request's time); 502 {@code NodeError}.
 */
@Path("")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
public class ScrubResource {

    /** The largest {@code rate} taken (bytes per second): 1 TB/s, far above any disk. */
    static final long MAX_RATE = 1_000_000_000_000L;

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    // Checked here too: the rate goes into the signed query of the node's request.
    private static final Pattern DIGITS = Pattern.compile("\\d{1,13}");

    @Inject
    ClusterManager manager;
    @Inject
    NodePlane plane;

    /** Starts scrubbing a node (or answers its running scrub). */
    @POST
    @Path("nodes/{id}/scrub")
    public Response start(@PathParam("id") String id, @QueryParam("rate") String rate) {
        return relay(id, "POST", startRequest(rate));
    }

    /** A node's current or last scrub. */
    @GET
    @Path("nodes/{id}/scrub")
    public Response status(@PathParam("id") String id) {
        return relay(id, "GET", "status");
    }

    /**
     * The node's request for a start: {@code start}, or {@code start?rate=N} with the rate as a
     * plain number (no sign, no leading zeros).
     *
     * @param rate the {@code rate} query parameter, null when absent
     * @throws ClusterException 400 {@code InvalidArgument} unless {@code rate} is null or a whole number
     *                          from 1 to {@link #MAX_RATE}
     */
    static String startRequest(String rate) {
        return rate == null ? "start" : "start?rate=" + rate(rate);
    }

    /**
     * A {@code rate} in bytes per second.
     *
     * @throws ClusterException 400 {@code InvalidArgument} unless it is a whole number from 1 to {@link #MAX_RATE}
     */
    static long rate(String rate) {
        if (rate != null && DIGITS.matcher(rate).matches()) {
            long r = Long.parseLong(rate);
            if (r >= 1 && r <= MAX_RATE) {
                return r;
            }
        }
        throw new ClusterException("InvalidArgument", 400,
                "rate must be bytes per second, a whole number from 1 to " + MAX_RATE + " (got '" + rate + "')");
    }

    /** Sends {@code scrub/request} to the node {@code id} names once it is known, running and a storage node. */
    private Response relay(String id, String method, String request) {
        NodeRecord r = NodeRelay.requireStorage(
                NodeRelay.requireRunning(NodeRelay.known(manager, id), id, "scrubbed"), id);
        return NodeRelay.relay(plane.send(r.internalEndpoint(), method, "scrub/" + request, TIMEOUT));
    }
}
