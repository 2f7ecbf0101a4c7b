package io.needlestack.core.node;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * A node's anti-entropy state as it publishes it in the Hazelcast map {@link #MAP} (JSON strings
 * by node id), read by gateways (which do not read from a node that has not {@link #recovered()}
 * since its start) and by the manager (status, and accepting a restarted node once it recovered):
 *
 * <pre>
 * {"node","state":"idle|waiting-for-hints|running|done|failed","trigger":"restart|operator|none",
 *  "recovered":true,"startedAt","finishedAt","peers","segments","segmentsDiffered","pulled","pushed",
 *  "errors","message","updatedAt"}
 * </pre>
 * Times are ISO-8601 ("" when not yet). Coordinators publish how many hinted writes they still
 * hold per target node in {@link #HINTS_MAP} (by coordinator id:
 * {@code {"at":epochMillis,"targets":{"nodeId":depth,..}}}); a restarted node waits for its
 * entries there to reach 0 before it recovers.
 *
 * @param node             node id
 * @param state            phase of the current or last recovery
 * @param trigger          what started it
 * @param recovered        true once the node recovered since its process started (reads allowed)
 * @param startedAt        start of the current or last recovery, null before any
 * @param finishedAt       end of the last recovery, null while running or before any
 * @param peers            replica peers compared
 * @param segments         sub-ranges compared (holding anything on either side)
 * @param segmentsDiffered sub-ranges whose digests differed (listed in full)
 * @param pulled           needle versions copied to this node
 * @param pushed           needle versions copied from this node to peers
 * @param errors           peers or needles that could not be compared or copied
 * @param message          the last error, or ""
 * @param updatedAt        when this record was written
 */
public record RecoveryRecord(String node, String state, String trigger, boolean recovered, Instant startedAt,
                             Instant finishedAt, int peers, long segments, long segmentsDiffered, long pulled,
                             long pushed, long errors, String message, Instant updatedAt) {

    /** The Hazelcast map of recovery records, by node id. */
    public static final String MAP = "needlestack.recovery";
    /** The Hazelcast map of hinted writes per target, by coordinator id. */
    public static final String HINTS_MAP = "needlestack.hints";

    /** The record as JSON. */
    public String toJson() {
        return toJsonObject().toString();
    }

    /** The record as a JSON object. */
    public JsonObject toJsonObject() {
        return Json.createObjectBuilder().add("node", node).add("state", state).add("trigger", trigger)
                .add("recovered", recovered).add("startedAt", time(startedAt)).add("finishedAt", time(finishedAt))
                .add("peers", peers).add("segments", segments).add("segmentsDiffered", segmentsDiffered)
                .add("pulled", pulled).add("pushed", pushed).add("errors", errors)
                .add("message", message == null ? "" : message).add("updatedAt", time(updatedAt)).build();
    }

    /** A record from its JSON. */
    public static RecoveryRecord fromJson(String json) {
        JsonObject o;
        try (var r = Json.createReader(new StringReader(json))) {
            o = r.readObject();
        }
        return new RecoveryRecord(o.getString("node"), o.getString("state", "idle"), o.getString("trigger", "none"),
                o.getBoolean("recovered", true), instant(o.getString("startedAt", "")),
                instant(o.getString("finishedAt", "")), o.getInt("peers", 0), num(o, "segments"),
                num(o, "segmentsDiffered"), num(o, "pulled"), num(o, "pushed"), num(o, "errors"),
                o.getString("message", ""), instant(o.getString("updatedAt", "")));
    }

    /** The hints JSON of a coordinator: depth per target at {@code at}. */
    public static String hintsJson(Instant at, Map<String, Long> depthByTarget) {
        JsonObjectBuilder t = Json.createObjectBuilder();
        depthByTarget.forEach(t::add);
        return Json.createObjectBuilder().add("at", at.toEpochMilli()).add("targets", t).build().toString();
    }

    /** When a coordinator's hints JSON was written. */
    public static Instant hintsAt(String json) {
        try (var r = Json.createReader(new StringReader(json))) {
            return Instant.ofEpochMilli(r.readObject().getJsonNumber("at").longValue());
        }
    }

    /** The depth per target of a coordinator's hints JSON. */
    public static Map<String, Long> hintTargets(String json) {
        Map<String, Long> out = new HashMap<>();
        try (var r = Json.createReader(new StringReader(json))) {
            JsonObject t = r.readObject().getJsonObject("targets");
            for (Map.Entry<String, JsonValue> e : t.entrySet()) {
                out.put(e.getKey(), ((jakarta.json.JsonNumber) e.getValue()).longValue());
            }
        }
        return out;
    }

    private static long num(JsonObject o, String k) {
        return o.containsKey(k) ? o.getJsonNumber(k).longValue() : 0;
    }

    private static String time(Instant i) {
        return i == null ? "" : i.toString();
    }

    private static Instant instant(String s) {
        return s == null || s.isEmpty() ? null : Instant.parse(s);
    }
}
