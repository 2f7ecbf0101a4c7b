package io.needlestack.core.ring;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.time.Instant;

/**
 * What one storage node reports about its part of a rebalance to ring {@code ringVersion}: the
 * versions it scanned, copied to new owners (and their bytes), released (dropped because every new
 * owner confirmed its copy), still pending (a target did not answer yet) and failed in its last
 * pass, how many passes it made, and whether it is done (a whole pass found nothing left to move).
 *
 * <p>Published as JSON in Hazelcast map {@link #MAP} under the node id (a string, never a Java
 * object: each application has its own class loader); the manager reads it for status and clears
 * the previous ring once every member of both rings is done.
 */
public record RebalanceProgress(String nodeId, long ringVersion, long scanned, long copied, long bytes,
                                long released, long pending, long failed, int passes, boolean done,
                                Instant startedAt, Instant updatedAt) {

    /** The Hazelcast map of per-node rebalance progress, keyed by node id. */
    public static final String MAP = "needlestack.rebalance";

    /** A node that has not started on {@code ringVersion} yet. */
    public static RebalanceProgress starting(String nodeId, long ringVersion, Instant now) {
        return new RebalanceProgress(nodeId, ringVersion, 0, 0, 0, 0, 0, 0, 0, false, now, now);
    }

    /** Seconds from start to the last update. */
    public double seconds() {
        return (updatedAt.toEpochMilli() - startedAt.toEpochMilli()) / 1000.0;
    }

    /** The progress as JSON. */
    public String toJson() {
        return Json.createObjectBuilder()
                .add("nodeId", nodeId).add("ringVersion", ringVersion).add("scanned", scanned)
                .add("copied", copied).add("bytes", bytes).add("released", released).add("pending", pending)
                .add("failed", failed).add("passes", passes).add("done", done)
                .add("startedAt", startedAt.toString()).add("updatedAt", updatedAt.toString())
                .build().toString();
    }

    /** Progress from its JSON. */
    public static RebalanceProgress fromJson(String json) {
        JsonObject o;
        try (var reader = Json.createReader(new StringReader(json))) {
            o = reader.readObject();
        }
        return new RebalanceProgress(o.getString("nodeId"), o.getJsonNumber("ringVersion").longValue(),
                o.getJsonNumber("scanned").longValue(), o.getJsonNumber("copied").longValue(),
                o.getJsonNumber("bytes").longValue(), o.getJsonNumber("released").longValue(),
                o.getJsonNumber("pending").longValue(), o.getJsonNumber("failed").longValue(),
                o.getInt("passes"), o.getBoolean("done"), Instant.parse(o.getString("startedAt")),
                Instant.parse(o.getString("updatedAt")));
    }
}
