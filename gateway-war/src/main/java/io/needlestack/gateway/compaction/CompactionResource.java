package io.needlestack.gateway.compaction;

import io.needlestack.core.config.NodeConfig;
import io.needlestack.gateway.internal.InternalAnswers;
import io.needlestack.storage.service.StorageService;
import io.needlestack.storage.store.CompactionRefusedException;
import io.needlestack.storage.store.CompactionStatus;
import io.needlestack.storage.store.ContainerUsage;
import io.needlestack.storage.store.NeedleStoreException;
import jakarta.ejb.EJB;
import jakarta.ejb.EJBException;
import jakarta.enterprise.context.RequestScoped;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObjectBuilder;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * The compaction requests of the internal plane (see the package documentation), under
 * {@code /_internal/v1/compaction}: reached only through the internal port's filter, which has
 * checked the cluster HMAC. Each one is a call of this node's {@link StorageService}; the
 * compaction itself runs in the store, in the background.
 */
@Path("_internal/v1/compaction")
@RequestScoped
public class CompactionResource {

    private static final Logger LOG = Logger.getLogger(CompactionResource.class.getName());
    private static final String JSON = "application/json";
    // Nine digits keep every id an int; the store says whether such a container exists.
    private static final Pattern CONTAINERS = Pattern.compile("\\d{1,9}(,\\d{1,9})*");

    @EJB
    private StorageService storage;

    /**
     * Starts compacting in the background.
     *
     * @param containers comma-separated container ids; absent for every container
     */
    @POST
    @Path("start")
    public Response start(@QueryParam("containers") String containers) {
        return answer(() -> Response.status(202).type(JSON)
                .entity(json(storage.compactStart(containerIds(containers)))).build());
    }

    /** Pauses the running compaction. */
    @POST
    @Path("suspend")
    public Response suspend() {
        return answer(() -> ok(json(storage.compactSuspend())));
    }

    /** Resumes the suspended compaction. */
    @POST
    @Path("resume")
    public Response resume() {
        return answer(() -> ok(json(storage.compactResume())));
    }

    /** The current or last compaction of this node. */
    @GET
    @Path("status")
    public Response status() {
        return answer(() -> ok(json(storage.compactionStatus())));
    }

    /**
     * How much of each container compaction would give back (LeoFS's {@code du}). Costs one pass
     * over this node's index, about a second per million needles.
     */
    @GET
    @Path("usage")
    public Response usage() {
        return answer(() -> ok(usageJson(storage.usage())));
    }

    /** The ids of {@code containers} ("1,2"); empty, meaning all, when the parameter is absent. */
    static Set<Integer> containerIds(String containers) {
        Set<Integer> ids = new LinkedHashSet<>();
        if (containers == null) {
            return ids;
        }
        if (!CONTAINERS.matcher(containers).matches()) {
            throw new IllegalArgumentException("containers must be container ids separated by commas, e.g. 0,3 (got '"
                    + containers + "')");
        }
        for (String id : containers.split(",")) {
            ids.add(Integer.parseInt(id));
        }
        return ids;
    }

    /**
     * The status as JSON: the record's fields under their own names, plus {@code node} (this
     * node's id) and {@code startedAt}/{@code finishedAt} as ISO-8601 (null when 0).
     */
    static String json(CompactionStatus s) {
        JsonObjectBuilder b = Json.createObjectBuilder().add("node", NodeConfig.current().nodeId())
                .add("state", s.state()).add("outcome", s.outcome())
                .add("startedAtMillis", s.startedAtMillis()).add("finishedAtMillis", s.finishedAtMillis());
        InternalAnswers.time(b, "startedAt", s.startedAtMillis());
        InternalAnswers.time(b, "finishedAt", s.finishedAtMillis());
        b.add("containersTotal", s.containersTotal()).add("containersDone", s.containersDone())
                .add("currentContainer", s.currentContainer()).add("bytesBefore", s.bytesBefore())
                .add("bytesAfter", s.bytesAfter()).add("needlesKept", s.needlesKept())
                .add("needlesDropped", s.needlesDropped()).add("corruptSkipped", s.corruptSkipped());
        if (s.message() == null) {
            b.addNull("message");
        } else {
            b.add("message", s.message());
        }
        return b.add("containerFileBytes", s.containerFileBytes()).build().toString();
    }

    /**
     * The usage as JSON: {@code node} (this node's id), {@code containers} (each record's fields
     * under their own names plus {@code reclaimableBytes}, in the order given) and the three byte
     * counts summed over the containers. The total {@code reclaimableBytes} is the sum of the
     * containers' own, not {@code fileBytes - liveBytes}: every file keeps its superblock.
     */
    static String usageJson(List<ContainerUsage> containers) {
        JsonArrayBuilder list = Json.createArrayBuilder();
        long fileBytes = 0;
        long liveBytes = 0;
        long reclaimableBytes = 0;
        for (ContainerUsage u : containers) {
            list.add(Json.createObjectBuilder().add("id", u.id()).add("directory", u.directory())
                    .add("fileBytes", u.fileBytes()).add("liveBytes", u.liveBytes())
                    .add("reclaimableBytes", u.reclaimableBytes()).add("active", u.active())
                    .add("compacting", u.compacting()));
            fileBytes += u.fileBytes();
            liveBytes += u.liveBytes();
            reclaimableBytes += u.reclaimableBytes();
        }
        return Json.createObjectBuilder().add("node", NodeConfig.current().nodeId()).add("containers", list)
                .add("fileBytes", fileBytes).add("liveBytes", liveBytes).add("reclaimableBytes", reclaimableBytes)
                .build().toString();
    }


    private static Response ok(String json) {
        return Response.ok(json, JSON).build();
    }


    /**
     * The HTTP status of a refusal: 400 for a container that does not exist (the request named
     * it), 507 when the disk cannot hold a copy of a container, 409 for the state conflicts
     * ({@code CompactionRunning}, {@code CompactionNotRunning}) and any other code.
     */
    static int status(CompactionRefusedException e) {
        return switch (e.code()) {
            case "NoSuchContainer" -> 400;
            case "NotEnoughSpace" -> 507;
            default -> 409;
        };
    }

    private static Response answer(Supplier<Response> call) {
        try {
            return call.get();
        } catch (CompactionRefusedException e) {
            return InternalAnswers.error(status(e), e.code(), e.getMessage());
        } catch (IllegalArgumentException e) {
            return InternalAnswers.error(400, "BadRequest", e.getMessage());
        } catch (NeedleStoreException | EJBException e) {
            // A refusal is an application exception and crosses the EJB boundary as itself; this
            // covers a container that wraps it anyway.
            if (e.getCause() instanceof CompactionRefusedException r) {
                return InternalAnswers.error(status(r), r.code(), r.getMessage());
            }
            LOG.log(Level.WARNING, "compaction request failed", e);
            return InternalAnswers.error(503, "StoreUnavailable", String.valueOf(e.getMessage()));
        }
    }
}
