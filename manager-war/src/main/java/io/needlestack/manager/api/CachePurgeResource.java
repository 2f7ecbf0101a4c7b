package io.needlestack.manager.api;

import io.needlestack.manager.recovery.NodePlane;
import io.needlestack.manager.ring.ClusterException;
import io.needlestack.manager.ring.ClusterManager;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonException;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.StringReader;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * LeoFS's {@code purge-cache}: {@code POST cache/purge?bucket=B&key=K} drops one object from the
 * object cache of every running gateway (its bodies and its chunks' bodies in the memory and
 * disk tiers, and its newest version kept under call-back promises), e.g. after an operator
 * repaired a replica by hand. Sent to every registered running node with the gateway role at
 * once, signed, on its internal plane ({@code POST /_internal/v1/cache/purge}, see
 * {@code io.needlestack.gateway.object.cache.CachePurgeResource}), the way account changes reach
 * every gateway's near cache; each node's answer is awaited at most {@link #DEADLINE}.
 *
 * <p>Answers 200 {@code {"bucket","key","confirmed":[{"node","name","memoryEntries","diskEntries"}],
 * "failed":[{"node","name","error"}],"notRunning":[id..]}}: {@code failed} lists the gateways that
 * did not confirm (unreachable, no answer in time), which may still hold the object;
 * {@code notRunning} the gateways that are stopped or down, whose caches are emptied when they
 * start anyway. Refusals: 400 {@code InvalidArgument} (bucket or key absent), 503
 * {@code NoLiveNode} (no gateway runs).
 */
@Path("")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
public class CachePurgeResource {

    private static final Logger LOG = Logger.getLogger(CachePurgeResource.class.getName());
    /** Bound of the whole fan-out: a purge is a few map removals and file deletions per node. */
    static final Duration DEADLINE = Duration.ofSeconds(10);

    @Inject
    ClusterManager manager;
    @Inject
    NodePlane plane;

    /** Drops the object from every running gateway's cache. */
    @POST
    @Path("cache/purge")
    public Response purge(@QueryParam("bucket") String bucket, @QueryParam("key") String key) {
        if (bucket == null || bucket.isEmpty() || key == null || key.isEmpty()) {
            throw new ClusterException("InvalidArgument", 400, "bucket and key are required (cache/purge?bucket=B&key=K)");
        }
        NodeRelay.Targets t = NodeRelay.targets(manager, r -> r.roles().contains("gateway"));
        if (t.endpoints().isEmpty()) {
            throw new ClusterException("NoLiveNode", 503, "no running gateway node is registered");
        }
        Map<String, NodePlane.Outcome> outcomes = plane.sendAll(t.endpoints(), "POST", "cache/purge?bucket="
                + NodePlane.encode(bucket) + "&key=" + NodePlane.encode(key), DEADLINE);
        JsonArrayBuilder confirmed = Json.createArrayBuilder();
        JsonArrayBuilder failed = Json.createArrayBuilder();
        Map<String, String> failures = new LinkedHashMap<>();
        for (Map.Entry<String, NodePlane.Outcome> e : outcomes.entrySet()) {
            String node = e.getKey();
            String name = t.names().getOrDefault(node, node);
            NodePlane.Answer a = e.getValue().answer();
            String error = e.getValue().error();
            if (a != null && a.status() == 200) {
                JsonObject o = object(a.body());
                if (o != null && o.get("memoryEntries") instanceof JsonNumber memory
                        && o.get("diskEntries") instanceof JsonNumber disk) {
                    confirmed.add(Json.createObjectBuilder().add("node", node).add("name", name)
                            .add("memoryEntries", memory).add("diskEntries", disk));
                    continue;
                }
                error = "answered 200 without the purge's counts";
            } else if (a != null) {
                error = "answered " + a.status() + " " + a.body();
            }
            failures.put(node, error);
            failed.add(Json.createObjectBuilder().add("node", node).add("name", name).add("error", error));
        }
        JsonArrayBuilder notRunning = Json.createArrayBuilder();
        t.notRunning().forEach(notRunning::add);
        String what = "purge-cache " + bucket + "/" + key;
        if (failures.isEmpty()) {
            LOG.info(() -> what + ": confirmed by " + t.endpoints().keySet()
                    + (t.notRunning().isEmpty() ? "" : ", not running: " + t.notRunning()));
        } else {
            LOG.log(Level.WARNING, () -> what + ": not confirmed by " + failures + " (they may still serve it from"
                    + " their cache); confirmed by the others of " + t.endpoints().keySet());
        }
        return Response.ok(Json.createObjectBuilder().add("bucket", bucket).add("key", key)
                .add("confirmed", confirmed).add("failed", failed).add("notRunning", notRunning).build().toString(),
                MediaType.APPLICATION_JSON_TYPE).build();
    }

    /** The JSON object {@code body} holds, null when it holds none. */
    static JsonObject object(String body) {
        try (JsonReader reader = Json.createReader(new StringReader(body))) {
            return reader.readObject();
        } catch (JsonException e) {
            return null;
        }
    }
}
