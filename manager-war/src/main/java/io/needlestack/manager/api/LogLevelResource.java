package io.needlestack.manager.api;

import io.needlestack.core.node.NodeRecord;
import io.needlestack.manager.recovery.NodePlane;
import io.needlestack.manager.ring.ClusterException;
import io.needlestack.manager.ring.ClusterManager;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A running node's log levels (LeoFS's {@code update-log-level}), relayed to that node's internal
 * plane ({@code /_internal/v1/log-level}, see {@code io.needlestack.gateway.node.logging}), all
 * JSON; {@code {id}} is a node id or name, or {@value #ALL} for every running node:
 * <ul>
 *   <li>{@code POST nodes/{id}/log-level?level=L[&logger=NAME]}: sets the logger's level (default
 *       logger {@code io.needlestack}, every logger of the project) until the node restarts, and
 *       lowers the node's log handlers as far as that level needs; answers the node's
 *       {@code {"node","logger","level","effectiveLevel","previousLevel","handlers":[{"handler","level"}]}}</li>
 *   <li>{@code GET nodes/{id}/log-level[?logger=NAME]}: the same without {@code previousLevel}</li>
 * </ul>
 * With {@value #ALL}: {@code {"nodes":[answer..],"failed":[{"node","name","error"}],"notRunning":[id..]}},
 * every running node asked at once (a node called {@value #ALL} cannot be named alone).
 * Refusals: 400 {@code InvalidLogLevel}, {@code InvalidLoggerName} (checked here for their
 * characters, by the node for their meaning); 404 {@code NoSuchNode}; 409 {@code NodeNotRunning};
 * 503 {@code NodeUnreachable}, {@code NoLiveNode} (for {@value #ALL}, when no node runs).
 */
@Path("")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
public class LogLevelResource {

    /** The {@code {id}} that stands for every running node. */
    static final String ALL = "all";
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final Duration ALL_DEADLINE = Duration.ofSeconds(10);
    // Checked here because they go into the signed query of the node's request as they are; the
    // node knows which names are levels and which names are well-formed.
    private static final Pattern LEVEL = Pattern.compile("[A-Za-z]{1,16}");
    private static final Pattern LOGGER = Pattern.compile("[A-Za-z0-9_$.-]{1,256}");

    @Inject
    ClusterManager manager;
    @Inject
    NodePlane plane;

    /** Sets a logger's level on one node or on every running node. */
    @POST
    @Path("nodes/{id}/log-level")
    public Response set(@PathParam("id") String id, @QueryParam("level") String level,
                        @QueryParam("logger") String logger) {
        if (level == null || !LEVEL.matcher(level).matches()) {
            throw new ClusterException("InvalidLogLevel", 400, "level must be SEVERE, WARNING, INFO, CONFIG, FINE,"
                    + " FINER, FINEST, OFF or ALL, or error, warn, info, debug, trace (got " + quote(level) + ")");
        }
        String l = logger(logger);
        return relay(id, "POST", "log-level?" + (l == null ? "" : "logger=" + l + "&") + "level=" + level);
    }

    /** A logger's levels on one node or on every running node. */
    @GET
    @Path("nodes/{id}/log-level")
    public Response get(@PathParam("id") String id, @QueryParam("logger") String logger) {
        String l = logger(logger);
        return relay(id, "GET", "log-level" + (l == null ? "" : "?logger=" + l));
    }

    /** The logger parameter to pass on, null when absent (the node's default). */
    private static String logger(String logger) {
        if (logger == null || logger.isEmpty()) {
            return null;
        }
        if (!LOGGER.matcher(logger).matches()) {
            throw new ClusterException("InvalidLoggerName", 400, "malformed logger name " + quote(logger)
                    + ": dot-separated names of letters, digits, _, $ and -, e.g. io.needlestack.gateway");
        }
        return logger;
    }

    private static String quote(String s) {
        return s == null ? "nothing" : "'" + s + "'";
    }

    private Response relay(String id, String method, String request) {
        if (!ALL.equals(id)) {
            NodeRecord r = NodeRelay.requireRunning(NodeRelay.known(manager, id), id, "asked for its log level");
            return NodeRelay.relay(plane.send(r.internalEndpoint(), method, request, TIMEOUT));
        }
        NodeRelay.Targets t = NodeRelay.targets(manager, r -> true);
        if (t.endpoints().isEmpty()) {
            throw new ClusterException("NoLiveNode", 503, "no running node is registered");
        }
        Map<String, NodePlane.Outcome> outcomes = plane.sendAll(t.endpoints(), method, request, ALL_DEADLINE);
        JsonArrayBuilder nodes = Json.createArrayBuilder();
        JsonArrayBuilder failed = Json.createArrayBuilder();
        for (Map.Entry<String, NodePlane.Outcome> e : outcomes.entrySet()) {
            NodePlane.Answer a = e.getValue().answer();
            if (a != null && a.status() == 400 && a.body().contains("\"code\"")) {
                // The nodes run the same checks: a request one of them finds malformed is malformed.
                return NodeRelay.relay(a);
            }
            String error = e.getValue().error();
            if (a != null && a.status() == 200) {
                JsonObject o = CachePurgeResource.object(a.body());
                if (o != null) {
                    nodes.add(o);
                    continue;
                }
                error = "answered 200 with no JSON object";
            } else if (a != null) {
                error = "answered " + a.status() + " " + a.body();
            }
            failed.add(Json.createObjectBuilder().add("node", e.getKey())
                    .add("name", t.names().getOrDefault(e.getKey(), e.getKey())).add("error", error));
        }
        JsonArrayBuilder notRunning = Json.createArrayBuilder();
        t.notRunning().forEach(notRunning::add);
        return Response.ok(Json.createObjectBuilder().add("nodes", nodes).add("failed", failed)
                .add("notRunning", notRunning).build().toString(), MediaType.APPLICATION_JSON_TYPE).build();
    }
}
