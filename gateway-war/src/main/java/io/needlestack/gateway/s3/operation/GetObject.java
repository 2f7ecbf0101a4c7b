package io.needlestack.gateway.s3.operation;

import io.needlestack.gateway.object.BodyBuffers;
import io.needlestack.gateway.object.ObjectAttributes;
import io.needlestack.gateway.object.ObjectStore;
import io.needlestack.gateway.object.StoredObject;
import io.needlestack.gateway.object.VersionGoneException;
import io.needlestack.gateway.s3.error.S3ErrorCode;
import io.needlestack.gateway.s3.error.S3Exception;
import io.needlestack.gateway.s3.http.S3Request;
import io.needlestack.storage.store.CorruptNeedleException;
import io.needlestack.storage.store.StoreUnavailableException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * GetObject and HeadObject: conditional headers, single byte ranges (206 with Content-Range),
 * {@code response-*} header overrides, {@code partNumber}. HEAD answers from the index alone, never reading
 * data (but a multipart object's manifest, for {@code partNumber});
 * GET streams through a fixed buffer, never holding the object.
 */
@ApplicationScoped
public class GetObject {

    private static final Map<String, String> OVERRIDES = Map.of(
            "response-content-type", "Content-Type",
            "response-content-language", "Content-Language",
            "response-expires", "Expires",
            "response-cache-control", "Cache-Control",
            "response-content-disposition", "Content-Disposition",
            "response-content-encoding", "Content-Encoding");

    @Inject
    BucketAccess access;
    @Inject
    ObjectStore objects;

    /** How often a GET resolves the key again when an overwrite replaced the version it was opening. */
    private static final int ATTEMPTS = 3;

    /** Handles {@code GET} and {@code HEAD /bucket/key}. */
    public Response handle(S3Request req, boolean head) {
        for (int attempt = 1; ; attempt++) {
            try {
                return handleOnce(req, head);
            } catch (VersionGoneException e) {
                // A concurrent overwrite: serve the version that replaced it (nothing was sent yet).
                if (attempt == ATTEMPTS) {
                    throw e;
                }
            } catch (BodyUnread e) {
                // The replica read failed before anything was sent; a replica that found its bytes
                // damaged now refuses the version at once, so the next attempt reads another one.
                if (attempt == ATTEMPTS) {
                    throw e.failure();
                }
            }
        }
    }

    private Response handleOnce(S3Request req, boolean head) {
        Bucket b = access.require(req);
        Unsupported.requireNullVersion(req);
        StoredObject o = objects.require(b.name(), req.key());
        try {
            Preconditions.check(o, req.header("if-match"), req.header("if-none-match"),
                    req.header("if-modified-since"), req.header("if-unmodified-since"));
        } catch (Preconditions.NotModified e) {
            return Response.notModified().header("ETag", Responses.quoted(o.etag()))
                    .header("Last-Modified", Responses.httpDate(o.lastModified())).build();
        }
        long size = o.size();
        Optional<ByteRange> range;
        OptionalInt partsCount = OptionalInt.empty();
        if (req.has("partNumber")) {
            PartSelection part = part(req, o);
            range = part.range();
            partsCount = part.partsCount();
        } else {
            try {
                range = ByteRange.parse(req.header("range").orElse(null), size);
            } catch (ByteRange.Unsatisfiable e) {
                throw new S3Exception(S3ErrorCode.INVALID_RANGE, null, req.resource())
                        .with("RangeRequested", req.header("range").orElse(""))
                        .with("ActualObjectSize", Long.toString(size));
            }
        }
        Response.ResponseBuilder r = range.isPresent() ? Response.status(206) : Response.ok();
        headers(r, o);
        partsCount.ifPresent(n -> r.header("x-amz-mp-parts-count", Integer.toString(n)));
        long from = range.map(ByteRange::first).orElse(0L);
        long length = range.map(ByteRange::length).orElse(size);
        range.ifPresent(x -> r.header("Content-Range", "bytes " + x.first() + "-" + x.last() + "/" + size));
        r.header("Content-Length", Long.toString(length));
        OVERRIDES.forEach((param, header) -> req.param(param).ifPresent(v -> r.header(header, v)));
        if (head || length == 0) {
            return r.build();
        }
        InputStream data = objects.open(o, from, length);
        if (length <= BodyBuffers.BLOCK && !(data instanceof ByteArrayInputStream)) {
            BodyBuffers.Prefetched whole;
            try {
                whole = BodyBuffers.prefetch(data, (int) length);
            } catch (IOException | CorruptNeedleException e) {
                throw new BodyUnread(e);
            }
            return r.entity((StreamingOutput) whole::writeTo).build();
        }
        // Larger bodies stream: a failure after the status went out can only cut the answer short.
        StreamingOutput body = out -> {
            try (InputStream in = data) {
                BodyBuffers.copy(in, out, length);
            }
        };
        return r.entity(body).build();
    }

    /** What {@code ?partNumber=N} selects: a byte range (none for an empty object) and, for multipart objects, their part count. */
    private record PartSelection(Optional<ByteRange> range, OptionalInt partsCount) {
    }

    /**
     * The Nth part (1-based, by position, as MinIO counts) of a multipart object; any other object
     * is one part. Clients that download by parts (the AWS SDKs' multipart downloads) ask for part
     * 1, read {@code x-amz-mp-parts-count}, then ask for the others.
     */
    private PartSelection part(S3Request req, StoredObject o) {
        if (req.header("range").isPresent()) {
            throw new S3Exception(S3ErrorCode.INVALID_REQUEST, "Cannot specify both Range header and partNumber query parameter.",
                    req.resource());
        }
        int number = MultipartOperations.partNumber(req);
        boolean multipart = o.chunked() && o.etag().contains("-");
        List<Long> parts = multipart ? objects.readManifest(o.record()).partLengths() : List.of(o.size());
        if (number > parts.size()) {
            throw new S3Exception(S3ErrorCode.INVALID_PART_NUMBER, null, req.resource())
                    .with("PartNumberRequested", Integer.toString(number))
                    .with("ActualPartCount", Integer.toString(parts.size()));
        }
        long first = 0;
        for (int i = 0; i < number - 1; i++) {
            first += parts.get(i);
        }
        long length = parts.get(number - 1);
        Optional<ByteRange> range = length == 0 ? Optional.empty() : Optional.of(new ByteRange(first, first + length - 1));
        return new PartSelection(range, multipart ? OptionalInt.of(parts.size()) : OptionalInt.empty());
    }

    /** A body of one block or less that could not be read before the answer started. */
    private static final class BodyUnread extends RuntimeException {
        BodyUnread(Exception cause) {
            super(cause.getMessage(), cause, false, false);
        }

        /** What the client is told once no attempt is left: a damaged replica's error, or unavailable. */
        RuntimeException failure() {
            return getCause() instanceof RuntimeException r ? r
                    : new StoreUnavailableException("reading the object failed: " + getCause().getMessage(), getCause());
        }
    }

    /** The headers every GET and HEAD of an object carries. */
    static void headers(Response.ResponseBuilder r, StoredObject o) {
        r.header("ETag", Responses.quoted(o.etag()));
        r.header("Last-Modified", Responses.httpDate(o.lastModified()));
        r.header("Accept-Ranges", "bytes");
        Map<String, String> stored = ObjectAttributes.headersOf(o.metadata());
        r.header("Content-Type", stored.getOrDefault("content-type", "binary/octet-stream"));
        stored.forEach((k, v) -> {
            if (!k.equals("content-type")) {
                r.header(k, v);
            }
        });
    }
}
