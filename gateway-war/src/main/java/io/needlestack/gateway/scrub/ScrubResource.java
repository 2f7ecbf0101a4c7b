package io.needlestack.gateway.scrub;

import io.needlestack.core.config.NodeConfig;
import io.needlestack.gateway.internal.InternalAnswers;
import io.needlestack.storage.service.StorageService;
import io.needlestack.storage.store.DamagedNeedle;
import io.needlestack.storage.store.NeedleRecord;
import io.needlestack.storage.store.NeedleStoreException;
import io.needlestack.storage.store.ScrubStatus;
import jakarta.ejb.EJB;
import jakarta.ejb.EJBException;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObjectBuilder;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The scrub requests of the internal plane, under {@code /_internal/v1/scrub}: reached only
 * through the internal port's filter, which has checked the cluster HMAC.
 */
@Path("_internal/v1/scrub")
@RequestScoped
public class ScrubResource {

    private static final Logger LOG = Logger.getLogger(ScrubResource.class.getName());
    private static final String JSON = "application/json";
    /** Damaged versions listed in a status at most (the count is always whole). */
    static final int LISTED = 100;

    @EJB
    private StorageService storage;
    @Inject
    ScrubService service;

    /**
     * Starts a scrub in the background, or answers the running one's status.
     *
     * @param rate bytes per second; absent for the node's {@code needlestack.scrub.bytes.per.second}
     */
    @POST
    @Path("start")
    public Response start(@QueryParam("rate") String rate) {
        return answer(() -> Response.status(202).type(JSON)
                .entity(json(storage.scrubStart(rate(rate, service.defaultRate())), storage.damaged())).build());
    }

    /** The current or last scrub of this node, and the damaged versions waiting for a repair. */
    @GET
    @Path("status")
    public Response status() {
        return answer(() -> Response.ok(json(storage.scrubStatus(), storage.damaged()), JSON).build());
    }

    /** The rate asked for: a positive whole number of bytes per second, at most 10^12. */
    static long rate(String rate, long otherwise) {
        if (rate == null || rate.isEmpty()) {
            return otherwise;
        }
        if (!rate.matches("[0-9]{1,13}") || Long.parseLong(rate) < 1 || Long.parseLong(rate) > 1_000_000_000_000L) {
            throw new IllegalArgumentException("rate must be a number of bytes per second from 1 to 10^12 (got '"
                    + rate + "')");
        }
        return Long.parseLong(rate);
    }

    /**
     * The status as JSON: the record's fields under their own names, {@code node}, the times as
     * ISO-8601 too (null when 0), and {@code damaged}: at most {@value #LISTED} damaged versions,
     * oldest finding first.
     */
    static String json(ScrubStatus s, List<DamagedNeedle> damaged) {
        JsonObjectBuilder b = Json.createObjectBuilder().add("node", NodeConfig.current().nodeId())
                .add("state", s.state()).add("outcome", s.outcome())
                .add("startedAtMillis", s.startedAtMillis()).add("finishedAtMillis", s.finishedAtMillis());
        InternalAnswers.time(b, "startedAt", s.startedAtMillis());
        InternalAnswers.time(b, "finishedAt", s.finishedAtMillis());
        b.add("lastDoneMillis", s.lastDoneMillis());
        InternalAnswers.time(b, "lastDoneAt", s.lastDoneMillis());
        b.add("bytesPerSecond", s.bytesPerSecond()).add("needlesVerified", s.needlesVerified())
                .add("bytesVerified", s.bytesVerified()).add("damagedFound", s.damagedFound())
                .add("damagedNow", damaged.size()).add("repaired", s.repaired());
        if (s.message() == null) {
            b.addNull("message");
        } else {
            b.add("message", s.message());
        }
        JsonArrayBuilder list = Json.createArrayBuilder();
        for (DamagedNeedle d : damaged.subList(0, Math.min(LISTED, damaged.size()))) {
            NeedleRecord r = d.record();
            list.add(Json.createObjectBuilder().add("kind", r.key().kind().name()).add("bucket", r.key().bucket())
                    .add("name", r.key().name()).add("versionId", r.versionId()).add("hlc", r.hlc())
                    .add("foundBy", d.foundBy()).add("foundAt", Instant.ofEpochMilli(d.foundAtMillis()).toString())
                    .add("detail", d.detail() == null ? "" : d.detail()));
        }
        return b.add("damaged", list).build().toString();
    }



    private static Response answer(Supplier<Response> call) {
        try {
            return call.get();
        } catch (IllegalArgumentException e) {
            return InternalAnswers.error(400, "BadRequest", e.getMessage());
        } catch (NeedleStoreException | EJBException e) {
            if (e.getCause() instanceof IllegalArgumentException bad) {
                return InternalAnswers.error(400, "BadRequest", bad.getMessage());
            }
            LOG.log(Level.WARNING, "scrub request failed", e);
            return InternalAnswers.error(503, "StoreUnavailable", String.valueOf(e.getMessage()));
        }
    }
}
