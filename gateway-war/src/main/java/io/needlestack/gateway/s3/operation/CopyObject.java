package io.needlestack.gateway.s3.operation;

import io.needlestack.gateway.object.ObjectAttributes;
import io.needlestack.gateway.object.ObjectPrecondition;
import io.needlestack.gateway.object.ObjectStore;
import io.needlestack.gateway.object.StoredObject;
import io.needlestack.gateway.s3.error.S3ErrorCode;
import io.needlestack.gateway.s3.error.S3Exception;
import io.needlestack.gateway.s3.http.S3Request;
import io.needlestack.gateway.s3.xml.XmlWriter;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.Response;
import java.io.InputStream;
import java.util.HashMap;
import java.util.Map;

/**
 * CopyObject: {@code x-amz-copy-source} names the source; {@code x-amz-metadata-directive} COPY
 * (default) keeps the source's metadata, REPLACE takes the request's. The
 * {@code x-amz-copy-source-if-*} conditions are checked against the source, {@code If-None-Match}
 * and {@code If-Match} against the destination ({@link WritePreconditions}).
 */
@ApplicationScoped
public class CopyObject {

    @Inject
    BucketAccess access;
    @Inject
    ObjectStore objects;

    /** Handles {@code PUT /bucket/key} with {@code x-amz-copy-source}. */
    public Response handle(S3Request req) {
        Bucket target = access.require(req);
        PutObject.requireKey(req);
        Unsupported.checkNewObject(req);
        ObjectPrecondition condition = WritePreconditions.of(req);
        CopySource source = CopySource.resolve(req, access, objects);
        Bucket from = source.bucket();
        StoredObject src = source.object();
        String directive = req.header("x-amz-metadata-directive").orElse("COPY").trim().toUpperCase(java.util.Locale.ROOT);
        Map<String, String> meta;
        if (directive.equals("COPY")) {
            if (from.name().equals(target.name()) && src.key().equals(req.key())) {
                throw new S3Exception(S3ErrorCode.INVALID_REQUEST, "This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes.");
            }
            meta = new HashMap<>(ObjectAttributes.headersOf(src.metadata()));
        } else if (directive.equals("REPLACE")) {
            meta = PutObject.metadataFrom(req);
        } else {
            throw new S3Exception(S3ErrorCode.INVALID_ARGUMENT, "Unknown metadata directive.")
                    .with("ArgumentName", "x-amz-metadata-directive").with("ArgumentValue", directive);
        }
        meta.put(ObjectAttributes.OWNER, req.principal().userId());
        StoredObject copy;
        try (InputStream in = objects.open(src, 0, src.size())) {
            copy = objects.put(target.name(), req.key(), meta, in, src.size(), condition);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        XmlWriter doc = XmlWriter.document("CopyObjectResult", XmlWriter.S3_NS);
        doc.element("LastModified", Responses.iso(copy.lastModified())).element("ETag", Responses.quoted(copy.etag()));
        return Responses.xml(doc);
    }
}
