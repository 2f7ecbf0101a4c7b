package io.needlestack.gateway.internal;

import io.needlestack.gateway.cluster.tombstone.TombstonePurger;
import io.needlestack.storage.service.StorageService;
import io.needlestack.storage.store.CorruptNeedleException;
import io.needlestack.storage.store.DataLengthException;
import io.needlestack.storage.store.NeedleKey;
import io.needlestack.storage.store.NeedleRecord;
import io.needlestack.storage.store.NeedleStoreException;
import io.needlestack.storage.store.PutResult;
import io.needlestack.storage.store.StoreFullException;
import io.needlestack.storage.store.StoreUnavailableException;
import jakarta.ejb.EJB;
import jakarta.ejb.EJBException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * This node's needle store for other nodes, under {@code /_internal/v1} (the requests are listed
 * in the package documentation). Reached only through {@link InternalPlaneFilter}, which has
 * already checked the port and the HMAC.
 *
 * <p>Application-scoped: it keeps no state of a request (everything arrives as method
 * parameters), and a request-scoped resource cost every replica call a bean creation and
 * Jersey's reflective injection analysis (about 4 % of a replica node's CPU).
 */
@Path("_internal/v1")
@ApplicationScoped
public class InternalNeedleResource {

    private static final Logger LOG = Logger.getLogger(InternalNeedleResource.class.getName());
    private static final String JSON = "application/json";
    private static final int MAX_LIST = 10_000;

    @EJB
    private StorageService storage;
    @Inject
    TombstonePurger purger;

    /** Stores a needle: the write in the signed query, the data streamed from the body. */
    @PUT
    @Path(InternalProtocol.NEEDLE)
    public Response put(@QueryParam("w") String w, @HeaderParam(HttpHeaders.CONTENT_LENGTH) String contentLength,
                        InputStream body) {
        return answer(() -> {
            if (w == null) {
                throw new IllegalArgumentException("w is required");
            }
            if (contentLength == null) {
                return error(411, "LengthRequired", "Content-Length is required", false);
            }
            long length = Long.parseLong(contentLength.trim());
            NeedleJson.WriteRequest req = NeedleJson.readWrite(InternalProtocol.decode(w));
            if (req.write().tombstone() && length != 0) {
                throw new IllegalArgumentException("a tombstone has no data");
            }
            PutResult result = storage.put(req.write(), body, length, req.keepOlderVersions());
            return Response.ok(NeedleJson.putResult(result), JSON).build();
        });
    }

    /** The newest or a given version's record; HEAD answers the status only. */
    @GET
    @Path(InternalProtocol.RECORD)
    public Response record(@QueryParam("kind") String kind, @QueryParam("bucket") String bucket,
                           @QueryParam("name") String name, @QueryParam("version") String version) {
        return answer(() -> find(kind, bucket, name, version)
                .map(r -> Response.ok(NeedleJson.record(r), JSON).build())
                .orElseGet(InternalNeedleResource::absent));
    }

    /** Version and checksums only, for digest reads. */
    @GET
    @Path(InternalProtocol.DIGEST)
    public Response digest(@QueryParam("kind") String kind, @QueryParam("bucket") String bucket,
                           @QueryParam("name") String name, @QueryParam("version") String version) {
        return answer(() -> find(kind, bucket, name, version)
                .map(r -> Response.ok(NeedleJson.digest(NeedleDigest.of(r)), JSON).build())
                .orElseGet(InternalNeedleResource::absent));
    }

    /** A byte range of one version's data, streamed with a Content-Length. */
    @GET
    @Path(InternalProtocol.DATA)
    public Response data(@QueryParam("kind") String kind, @QueryParam("bucket") String bucket,
                         @QueryParam("name") String name, @QueryParam("version") String version,
                         @QueryParam("from") String fromParam, @QueryParam("length") String lengthParam) {
        return answer(() -> {
            if (version == null) {
                throw new IllegalArgumentException("version is required");
            }
            Optional<NeedleRecord> found = find(kind, bucket, name, version);
            if (found.isEmpty()) {
                return absent();
            }
            NeedleRecord r = found.get();
            long from = fromParam == null ? 0 : Long.parseLong(fromParam);
            long length = lengthParam == null ? r.dataLength() - from : Long.parseLong(lengthParam);
            if (from < 0 || length < 0 || from > r.dataLength() || length > r.dataLength() - from) {
                return error(416, "InvalidRange", "range " + from + "+" + length + " outside " + r.dataLength()
                        + " bytes", false);
            }
            // Opened here, so a corrupt or vanished needle still gets a proper status.
            InputStream in = storage.openData(r, from, length);
            StreamingOutput out = os -> copy(in, os);
            return Response.ok(out, "application/octet-stream")
                    .header(HttpHeaders.CONTENT_LENGTH, length).build();
        });
    }

    /** Newest version of every name in a bucket, JSON. */
    @GET
    @Path(InternalProtocol.LIST)
    public Response list(@QueryParam("kind") String kind, @QueryParam("bucket") String bucket,
                         @QueryParam("prefix") String prefix, @QueryParam("startAfter") String startAfter,
                         @QueryParam("limit") String limitParam, @QueryParam("tombstones") String tombstones) {
        return answer(() -> {
            if (kind == null || bucket == null) {
                throw new IllegalArgumentException("kind and bucket are required");
            }
            int limit = limitParam == null ? 1000 : Integer.parseInt(limitParam);
            if (limit < 0 || limit > MAX_LIST) {
                throw new IllegalArgumentException("limit must be 0.." + MAX_LIST);
            }
            List<NeedleRecord> records = storage.list(InternalProtocol.kind(kind), InternalProtocol.decode(bucket),
                    prefix == null ? "" : InternalProtocol.decode(prefix),
                    startAfter == null ? null : InternalProtocol.decode(startAfter), limit,
                    Boolean.parseBoolean(tombstones));
            return Response.ok(NeedleJson.list(records), JSON).build();
        });
    }

    /**
     * Purges a tombstone that the asking node found on every replica (see {@code TombstonePurger}):
     * answers {@code {"gone":true}} when this node now holds nothing for the key or something newer.
     */
    @POST
    @Path(InternalProtocol.PURGE)
    public Response purge(@QueryParam("kind") String kind, @QueryParam("bucket") String bucket,
                          @QueryParam("name") String name, @QueryParam("hlc") String hlc,
                          @QueryParam("version") String version) {
        return answer(() -> {
            if (hlc == null || version == null) {
                throw new IllegalArgumentException("hlc and version are required");
            }
            boolean gone = purger.purgeHere(InternalProtocol.key(kind, bucket, name), Long.parseLong(hlc),
                    InternalProtocol.decode(version));
            return Response.ok("{\"gone\":" + gone + "}", JSON).build();
        });
    }

    /** The store's counters. */
    @GET
    @Path(InternalProtocol.STATS)
    public Response stats() {
        return answer(() -> Response.ok(NeedleJson.stats(storage.stats()), JSON).build());
    }

    private Optional<NeedleRecord> find(String kind, String bucket, String name, String version) {
        NeedleKey key = InternalProtocol.key(kind, bucket, name);
        return version == null ? storage.head(key) : storage.head(key, InternalProtocol.decode(version));
    }

    private static void copy(InputStream in, OutputStream os) throws java.io.IOException {
        try (in) {
            byte[] buf = new byte[64 * 1024];
            for (int n; (n = in.read(buf)) > 0; ) {
                os.write(buf, 0, n);
            }
        }
    }

    private static Response absent() {
        return Response.status(404).type(JSON).header(InternalProtocol.ABSENT_HEADER, "true")
                .header(InternalProtocol.RETRYABLE_HEADER, "false")
                .entity(NeedleJson.error("NoSuchNeedle", "no such needle or version", false)).build();
    }

    private static Response error(int status, String code, String message, boolean retryable) {
        return Response.status(status).type(JSON).header(InternalProtocol.RETRYABLE_HEADER, Boolean.toString(retryable))
                .entity(NeedleJson.error(code, message, retryable)).build();
    }

    /** Runs a request, turning failures into their status: the store's types keep their names. */
    private static Response answer(Supplier<Response> call) {
        try {
            return call.get();
        } catch (EJBException e) {
            Throwable c = e.getCause() != null ? e.getCause() : e;
            if (c instanceof NeedleStoreException nse) {
                return storeError(nse);
            }
            if (c instanceof IllegalArgumentException iae) {
                return error(400, "BadRequest", iae.getMessage(), false);
            }
            LOG.log(Level.WARNING, "internal request failed", c);
            return error(500, "InternalError", String.valueOf(c), true);
        } catch (NeedleStoreException e) {
            return storeError(e);
        } catch (IllegalArgumentException e) {
            return error(400, "BadRequest", e.getMessage(), false);
        }
    }

    private static Response storeError(NeedleStoreException e) {
        int status;
        if (e instanceof StoreFullException) {
            status = 507;
        } else if (e instanceof StoreUnavailableException) {
            status = 503;
        } else if (e instanceof DataLengthException) {
            status = 400;
        } else if (e instanceof CorruptNeedleException) {
            status = 500;
        } else {
            status = e.retryable() ? 503 : 500;
        }
        if (status >= 500) {
            LOG.log(Level.WARNING, "internal request failed in the store", e);
        }
        return error(status, e.getClass().getSimpleName(), e.getMessage(), e.retryable());
    }
}
