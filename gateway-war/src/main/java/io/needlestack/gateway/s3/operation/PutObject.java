package io.needlestack.gateway.s3.operation;

import io.needlestack.core.naming.ObjectKeys;
import io.needlestack.gateway.object.ObjectAttributes;
import io.needlestack.gateway.object.ObjectPrecondition;
import io.needlestack.gateway.object.ObjectStore;
import io.needlestack.gateway.object.StoredObject;
import io.needlestack.gateway.s3.error.S3ErrorCode;
import io.needlestack.gateway.s3.error.S3Exception;
import io.needlestack.gateway.s3.http.S3Request;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.Response;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * PutObject: stores the payload durably and answers with its ETag (the MD5 of the data); with
 * {@code If-None-Match: *} or {@code If-Match} only if the key's object allows it
 * ({@link WritePreconditions}).
 */
@ApplicationScoped
public class PutObject {

    /** Largest single PUT S3 accepts. */
    public static final long MAX_PUT_BYTES = 5L * 1024 * 1024 * 1024;

    @Inject
    BucketAccess access;
    @Inject
    ObjectStore objects;

    /** Handles {@code PUT /bucket/key}. */
    public Response handle(S3Request req) {
        Bucket b = access.require(req);
        requireKey(req);
        Unsupported.checkNewObject(req);
        ObjectPrecondition condition = WritePreconditions.of(req);
        long length = requireLength(req, MAX_PUT_BYTES);
        Map<String, String> meta = metadataFrom(req);
        meta.put(ObjectAttributes.OWNER, req.principal().userId());
        StoredObject o = objects.put(b.name(), req.key(), meta, req.body(), length, condition);
        return Response.ok().header("ETag", Responses.quoted(o.etag())).build();
    }

    /** KeyTooLongError for keys over 1024 bytes. */
    static void requireKey(S3Request req) {
        if (ObjectKeys.isTooLong(req.key())) {
            throw new S3Exception(S3ErrorCode.KEY_TOO_LONG_ERROR, null, req.resource())
                    .with("Size", Integer.toString(req.key().getBytes(java.nio.charset.StandardCharsets.UTF_8).length))
                    .with("MaxSizeAllowed", Integer.toString(ObjectKeys.MAX_KEY_BYTES));
        }
    }

    /** The payload length, or MissingContentLength / EntityTooLarge. */
    static long requireLength(S3Request req, long max) {
        long length = req.contentLength();
        if (length < 0) {
            throw new S3Exception(S3ErrorCode.MISSING_CONTENT_LENGTH, null, req.resource());
        }
        if (length > max) {
            throw new S3Exception(S3ErrorCode.ENTITY_TOO_LARGE, null, req.resource())
                    .with("ProposedSize", Long.toString(length)).with("MaxSizeAllowed", Long.toString(max));
        }
        return length;
    }

    /** The content headers and user metadata of a request, as stored. */
    static Map<String, String> metadataFrom(S3Request req) {
        Map<String, String> meta = new HashMap<>();
        for (String h : ObjectAttributes.CONTENT_HEADERS) {
            req.header(h).ifPresent(v -> meta.put(h, v));
        }
        req.header("content-encoding").map(PutObject::withoutAwsChunked).ifPresentOrElse(
                v -> meta.put("content-encoding", v), () -> meta.remove("content-encoding"));
        req.userMetadataHeaders().forEach((k, v) -> meta.put(k.toLowerCase(Locale.ROOT), v));
        return meta;
    }

    /** S3 removes the aws-chunked transfer coding from the stored Content-Encoding. */
    static String withoutAwsChunked(String encoding) {
        StringBuilder b = new StringBuilder();
        for (String part : encoding.split(",")) {
            String p = part.trim();
            if (!p.isEmpty() && !p.equalsIgnoreCase("aws-chunked")) {
                b.append(b.length() > 0 ? "," : "").append(p);
            }
        }
        return b.length() == 0 ? null : b.toString();
    }
}
