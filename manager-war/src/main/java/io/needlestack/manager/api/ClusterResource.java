package io.needlestack.manager.api;

import io.needlestack.core.node.NodeRecord;
import io.needlestack.core.quorum.ConsistencyLevels;
import io.needlestack.core.ring.RebalancePlan;
import io.needlestack.core.ring.Ring;
import io.needlestack.core.ring.RingNode;
import io.needlestack.manager.ring.ClusterException;
import io.needlestack.manager.ring.ClusterManager;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.sql.SQLException;
import java.util.Map;

/**
 * Ring and node membership (LeoFS's admin verbs), all JSON:
 * <ul>
 *   <li>{@code GET ring}: {@code {"version","checksum","n","vnodesPerNode","consistency":{"n","w","r","d"},
 *       "members":[{"id","endpoint","rack","weight","ownership"}]}} (version 0 and no members
 *       before {@code start})</li>
 *   <li>{@code POST start}: first start, attaches every running storage node and publishes ring
 *       v1; answers a rebalance result</li>
 *   <li>{@code POST nodes/{id}/attach|detach|suspend|resume}: the node ({@link #node})</li>
 *   <li>{@code POST rebalance}: {@code {"version","checksum","previousVersion","changedFraction",
 *       "movedFraction","changes"}}</li>
 *   <li>{@code PUT consistency} {@code {"w","r","d"[,"n"]}}: the new levels</li>
 *   <li>{@code POST ring/republish}: {@code {"version","checksum","published"}}</li>
 * </ul>
 * Refusals are {@code {"code","message"}} with 404 {@code NoSuchNode}, 409 for illegal state
 * changes ({@code NodeAlreadyAttached}, {@code NodeNotAttached}, {@code TooFewNodes},
 * {@code NodeNotRunning}, {@code NotAStorageNode}, {@code NodeAlreadySuspended},
 * {@code NodeNotSuspended}, {@code NothingToRebalance}, {@code ClusterAlreadyStarted},
 * {@code ReplicaCountFixed}, {@code ConcurrentModification}) and 400 {@code InvalidConsistency}.
 */
@Path("")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
public class ClusterResource {

    @Inject
    ClusterManager manager;

    /** The current ring. */
    @GET
    @Path("ring")
    public String ring() {
        return ringJson(manager.ring().orElse(null), manager.consistency()).build().toString();
    }

    /** Re-publishes the stored ring and levels. */
    @POST
    @Path("ring/republish")
    public String republish() throws SQLException {
        boolean published = manager.republish();
        Ring r = manager.ring().orElse(null);
        return Json.createObjectBuilder().add("version", r == null ? 0 : r.version())
                .add("checksum", r == null ? "" : r.checksumHex()).add("published", published).build().toString();
    }

    /** First start of the cluster. */
    @POST
    @Path("start")
    public String start() throws SQLException {
        return plan(manager.startCluster()).toString();
    }

    /** Builds, stores and publishes the next ring. */
    @POST
    @Path("rebalance")
    public String rebalance() throws SQLException {
        return plan(manager.rebalance()).toString();
    }

    /** Attaches a node. */
    @POST
    @Path("nodes/{id}/attach")
    public String attach(@PathParam("id") String id) throws SQLException {
        return node(manager.attach(id)).build().toString();
    }

    /** Detaches a node. */
    @POST
    @Path("nodes/{id}/detach")
    public String detach(@PathParam("id") String id) throws SQLException {
        return node(manager.detach(id)).build().toString();
    }

    /** Suspends a node. */
    @POST
    @Path("nodes/{id}/suspend")
    public String suspend(@PathParam("id") String id) throws SQLException {
        return node(manager.suspend(id)).build().toString();
    }

    /** Resumes a node. */
    @POST
    @Path("nodes/{id}/resume")
    public String resume(@PathParam("id") String id) throws SQLException {
        return node(manager.resume(id)).build().toString();
    }

    /** Changes W, R, D. */
    @PUT
    @Path("consistency")
    public String consistency(String body) throws SQLException {
        JsonObject o = Bodies.object(body);
        ConsistencyLevels c = manager.updateConsistency(o.containsKey("n") ? number(o, "n") : null,
                number(o, "w"), number(o, "r"), number(o, "d"));
        return levels(c).build().toString();
    }

    private static int number(JsonObject o, String field) {
        JsonValue v = o.get(field);
        if (v == null || v.getValueType() != JsonValue.ValueType.NUMBER || !((JsonNumber) v).isIntegral()) {
            throw new ClusterException("InvalidConsistency", 400, "\"" + field + "\" must be an integer");
        }
        return ((JsonNumber) v).intValue();
    }

    static JsonObjectBuilder levels(ConsistencyLevels c) {
        return Json.createObjectBuilder().add("n", c.n()).add("w", c.w()).add("r", c.r()).add("d", c.d());
    }

    static JsonObjectBuilder ringJson(Ring ring, ConsistencyLevels c) {
        JsonArrayBuilder members = Json.createArrayBuilder();
        if (ring != null) {
            Map<String, Double> share = ring.ownership();
            for (RingNode m : ring.members()) {
                members.add(Json.createObjectBuilder().add("id", m.id()).add("endpoint", m.endpoint())
                        .add("rack", m.rack() == null ? "" : m.rack()).add("weight", m.weight())
                        .add("vnodes", ring.vnodeCount(m.id()))
                        .add("ownership", Math.round(share.getOrDefault(m.id(), 0.0) * 1e6) / 1e6));
            }
        }
        return Json.createObjectBuilder()
                .add("version", ring == null ? 0 : ring.version())
                .add("checksum", ring == null ? "" : ring.checksumHex())
                .add("n", c.n())
                .add("vnodesPerNode", ring == null ? Ring.DEFAULT_VNODES : ring.vnodesPerNode())
                .add("consistency", levels(c))
                .add("members", members);
    }

    private static JsonObject plan(RebalancePlan p) {
        return Json.createObjectBuilder()
                .add("version", p.next().version()).add("checksum", p.next().checksumHex())
                .add("previousVersion", p.previous().version())
                .add("members", p.next().members().size())
                .add("changedFraction", p.changedFraction()).add("movedFraction", p.movedFraction())
                .add("changes", p.changes().size())
                .build();
    }

    /**
     * A node: {@code {"id","name","roles","endpoint","internalEndpoint","rack","state","liveness",
     * "inRing","suspended","ringChecksum","startedAt","heartbeat","storeBytes","freeBytes"}};
     * registry fields are empty for a node missing from the registry.
     */
    static JsonObjectBuilder node(ClusterManager.NodeView v) {
        NodeRecord n = v.record();
        JsonArrayBuilder roles = Json.createArrayBuilder();
        JsonObjectBuilder b = Json.createObjectBuilder().add("id", v.id());
        if (n != null) {
            n.roles().forEach(roles::add);
            java.time.Instant now = java.time.Instant.now();
            b.add("name", n.name()).add("roles", roles).add("endpoint", n.endpoint())
                    .add("internalEndpoint", n.internalEndpoint()).add("rack", n.rack())
                    .add("state", v.state().label())
                    .add("liveness", n.liveness(now).name().toLowerCase(java.util.Locale.ROOT))
                    .add("inRing", v.inRing()).add("suspended", v.suspended())
                    .add("ringChecksum", n.ringChecksum())
                    .add("startedAt", n.startedAt().toString()).add("heartbeat", n.heartbeat().toString())
                    .add("storeBytes", n.storeBytes()).add("freeBytes", n.freeBytes());
        } else {
            b.add("name", v.id()).add("roles", roles).add("endpoint", "").add("internalEndpoint", "").add("rack", "")
                    .add("state", v.state().label()).add("liveness", "down")
                    .add("inRing", v.inRing()).add("suspended", v.suspended()).add("ringChecksum", "")
                    .add("startedAt", "").add("heartbeat", "").add("storeBytes", 0).add("freeBytes", 0);
        }
        return b;
    }
}
