package io.needlestack.core.node;

import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import java.io.StringReader;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What one node says about itself in the registry. Stored as JSON strings in the Hazelcast map
 * {@link #MAP} (never as Java objects: each application has its own class loader):
 *
 * <pre>
 * {"id":"n1","name":"n1","roles":["gateway","manager","storage"],"endpoint":"http://127.0.0.1:8080",
 *  "internalEndpoint":"","rack":"","startedAt":"..","heartbeat":"..","stopping":false,
 *  "storeBytes":0,"freeBytes":0,"ringChecksum":"","format":1}
 * </pre>
 *
 * @param id               stable node id
 * @param name             the operator's name for the node
 * @param roles            roles it plays, lower case
 * @param endpoint         its S3 / admin HTTP endpoint
 * @param internalEndpoint its data-plane endpoint ("" while it has none)
 * @param rack             its rack ("" for none)
 * @param startedAt        when the node's gateway application started
 * @param heartbeat        the last heartbeat
 * @param stopping         true once the node began a graceful stop
 * @param storeBytes       bytes in its needle containers
 * @param freeBytes        usable bytes left on its data file system
 * @param ringChecksum     {@link io.needlestack.core.ring.Ring#checksumHex() checksum} of the ring the node
 *                         holds ("" when it has none; absent in older records, read as "")
 */
public record NodeRecord(String id, String name, List<String> roles, String endpoint, String internalEndpoint,
                         String rack, Instant startedAt, Instant heartbeat, boolean stopping, long storeBytes,
                         long freeBytes, String ringChecksum) {

    /** The Hazelcast map of node records, by node id. */
    public static final String MAP = "needlestack.nodes";
    /** How often a node renews its heartbeat. */
    public static final Duration HEARTBEAT = Duration.ofSeconds(2);
    /** A node whose heartbeat is older than this is considered down. */
    public static final Duration LIVENESS = Duration.ofSeconds(10);
    /** Version of the JSON shape. */
    public static final int FORMAT = 1;

    public NodeRecord {
        Objects.requireNonNull(id, "id");
        roles = List.copyOf(roles);
        ringChecksum = ringChecksum == null ? "" : ringChecksum;
    }

    /** A record without a ring checksum (a node that holds no ring yet). */
    public NodeRecord(String id, String name, List<String> roles, String endpoint, String internalEndpoint,
                      String rack, Instant startedAt, Instant heartbeat, boolean stopping, long storeBytes,
                      long freeBytes) {
        this(id, name, roles, endpoint, internalEndpoint, rack, startedAt, heartbeat, stopping, storeBytes,
                freeBytes, "");
    }

    /** The node's state as seen at {@code now}: running, stopped (gracefully) or down (no heartbeat). */
    public Liveness liveness(Instant now) {
        if (stopping) {
            return Liveness.STOPPED;
        }
        return heartbeat.plus(LIVENESS).isBefore(now) ? Liveness.DOWN : Liveness.RUNNING;
    }

    /** A node's liveness, from its heartbeat. */
    public enum Liveness { RUNNING, STOPPED, DOWN }

    /** The record as JSON. */
    public String toJson() {
        JsonArrayBuilder r = Json.createArrayBuilder();
        roles.forEach(r::add);
        return Json.createObjectBuilder()
                .add("id", id).add("name", name).add("roles", r).add("endpoint", endpoint)
                .add("internalEndpoint", internalEndpoint).add("rack", rack)
                .add("startedAt", startedAt.toString()).add("heartbeat", heartbeat.toString())
                .add("stopping", stopping).add("storeBytes", storeBytes).add("freeBytes", freeBytes)
                .add("ringChecksum", ringChecksum).add("format", FORMAT)
                .build().toString();
    }

    /** A record from its JSON. */
    public static NodeRecord fromJson(String json) {
        JsonObject o;
        try (var reader = Json.createReader(new StringReader(json))) {
            o = reader.readObject();
        }
        return new NodeRecord(o.getString("id"), o.getString("name", o.getString("id")),
                o.getJsonArray("roles").getValuesAs(JsonString.class).stream().map(JsonString::getString).toList(),
                o.getString("endpoint", ""), o.getString("internalEndpoint", ""), o.getString("rack", ""),
                Instant.parse(o.getString("startedAt")), Instant.parse(o.getString("heartbeat")),
                o.getBoolean("stopping", false), o.getJsonNumber("storeBytes").longValue(),
                o.getJsonNumber("freeBytes").longValue(), o.getString("ringChecksum", ""));
    }

    /** The same record with a new heartbeat and store figures. */
    public NodeRecord beat(Instant now, long store, long free) {
        return new NodeRecord(id, name, roles, endpoint, internalEndpoint, rack, startedAt, now, stopping, store, free,
                ringChecksum);
    }

    /** The same record, marked as stopping. */
    public NodeRecord stopped(Instant now) {
        return new NodeRecord(id, name, roles, endpoint, internalEndpoint, rack, startedAt, now, true, storeBytes,
                freeBytes, ringChecksum);
    }

    /** The same record, holding the ring of the given checksum. */
    public NodeRecord withRingChecksum(String checksum) {
        return new NodeRecord(id, name, roles, endpoint, internalEndpoint, rack, startedAt, heartbeat, stopping,
                storeBytes, freeBytes, checksum);
    }
}
