package io.needlestack.gateway.internal;

import jakarta.json.Json;
import jakarta.json.JsonObjectBuilder;
import jakarta.ws.rs.core.Response;
import java.time.Instant;

/**
 * The JSON shapes the internal plane's administrative resources (compaction, scrub, recovery,
 * bucket deletion) answer with, so the manager and {@code needlestack-adm} read one form.
 */
public final class InternalAnswers {

    private static final String JSON = "application/json";

    private InternalAnswers() {
    }

    /** An error: {@code {"code","message"}} with that status. */
    public static Response error(int status, String code, String message) {
        return Response.status(status).type(JSON).entity(Json.createObjectBuilder().add("code", code)
                .add("message", message == null ? "" : message).build().toString()).build();
    }

    /** Adds {@code name} as an ISO-8601 instant, or null when {@code epochMillis} is 0 (never). */
    public static void time(JsonObjectBuilder b, String name, long epochMillis) {
        if (epochMillis == 0) {
            b.addNull(name);
        } else {
            b.add(name, Instant.ofEpochMilli(epochMillis).toString());
        }
    }
}
