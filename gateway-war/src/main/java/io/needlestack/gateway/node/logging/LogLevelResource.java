package io.needlestack.gateway.node.logging;

import io.needlestack.core.config.NodeConfig;
import jakarta.enterprise.context.RequestScoped;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObjectBuilder;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A running node's log levels on the internal plane (see the package documentation), under
 * {@code /_internal/v1/log-level}: reached only through the internal port's filter, which has
 * checked the cluster HMAC. The manager relays {@code needlestack-adm update-log-level} here.
 */
@Path("_internal/v1/log-level")
@RequestScoped
public class LogLevelResource {

    private static final Logger LOG = Logger.getLogger(LogLevelResource.class.getName());
    private static final String JSON = "application/json";
    /** One per JVM, like the logger tree it changes. */
    private static final LogLevelControl CONTROL = new LogLevelControl();

    /**
     * The logger's level, the level it logs at and its handlers' levels.
     *
     * @param logger the logger's name; absent for {@value LogLevels#DEFAULT_LOGGER}
     */
    @GET
    public Response get(@QueryParam("logger") String logger) {
        String name;
        try {
            name = LogLevels.loggerName(logger);
        } catch (IllegalArgumentException e) {
            return error(400, "InvalidLoggerName", e.getMessage());
        }
        return Response.ok(json(CONTROL.state(name), null), JSON).build();
    }

    /**
     * Sets the logger's level until the node restarts, lowering its handlers as far as needed
     * ({@link LogLevelControl}).
     *
     * @param logger the logger's name; absent for {@value LogLevels#DEFAULT_LOGGER}
     * @param level  a {@code java.util.logging} level name or a LeoFS/SLF4J one ({@link LogLevels#parse})
     */
    @POST
    public Response set(@QueryParam("logger") String logger, @QueryParam("level") String level) {
        String name;
        Level parsed;
        try {
            name = LogLevels.loggerName(logger);
        } catch (IllegalArgumentException e) {
            return error(400, "InvalidLoggerName", e.getMessage());
        }
        try {
            parsed = LogLevels.parse(level);
        } catch (IllegalArgumentException e) {
            return error(400, "InvalidLogLevel", e.getMessage());
        }
        Level before = CONTROL.state(name).effective();
        String line = "log level of " + name + " set to " + parsed.getName() + " (was " + before.getName()
                + ") by an operator, until the node restarts";
        // Logged under whichever of the two levels lets it through: the old one when the change
        // silences INFO, the new one when it was silenced before.
        boolean logged = LOG.isLoggable(Level.INFO);
        if (logged) {
            LOG.info(line);
        }
        LogLevelControl.State after = CONTROL.set(name, parsed);
        if (!logged) {
            LOG.info(line);
        }
        return Response.ok(json(after, before), JSON).build();
    }

    /**
     * {@code {"node","logger","level","effectiveLevel"[,"previousLevel"],"handlers":[{"handler","level"}]}}:
     * {@code level} is the logger's own (null when it inherits one), {@code previousLevel} the
     * level it logged at before a change.
     */
    static String json(LogLevelControl.State s, Level previous) {
        JsonArrayBuilder handlers = Json.createArrayBuilder();
        for (LogLevelControl.HandlerLevel h : s.handlers()) {
            JsonObjectBuilder hb = Json.createObjectBuilder().add("handler", h.handler());
            if (h.level() == null) {
                hb.addNull("level");
            } else {
                hb.add("level", h.level().getName());
            }
            handlers.add(hb);
        }
        JsonObjectBuilder b = Json.createObjectBuilder().add("node", NodeConfig.current().nodeId())
                .add("logger", s.logger());
        if (s.level() == null) {
            b.addNull("level");
        } else {
            b.add("level", s.level().getName());
        }
        b.add("effectiveLevel", s.effective().getName());
        if (previous != null) {
            b.add("previousLevel", previous.getName());
        }
        return b.add("handlers", handlers).build().toString();
    }

    private static Response error(int status, String code, String message) {
        return Response.status(status).type(JSON).entity(Json.createObjectBuilder().add("code", code)
                .add("message", message).build().toString()).build();
    }
}
