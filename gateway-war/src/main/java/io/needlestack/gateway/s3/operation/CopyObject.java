package io.needlestack.gateway.s3.operation;

import io.needlestack.core.naming.BucketNames;
import io.needlestack.gateway.object.ObjectAttributes;
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
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * CopyObject: {@code x-amz-copy-source} names the source; {@code x-amz-metadata-directive} COPY
 * (default) keeps the source's metadata, REPLACE takes the request's. The
 * {@code x-amz-copy-source-if-*} conditions are checked against the source.
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
        String[] source = parseSource(req.header("x-amz-copy-source").orElseThrow());
        S3Request sourceReq = req.forObject(source[0], source[1]);
        Bucket from = access.require(sourceReq);
        StoredObject src = objects.require(from.name(), source[1]);
        try {
            Preconditions.check(src, req.header("x-amz-copy-source-if-match"), req.header("x-amz-copy-source-if-none-match"),
                    req.header("x-amz-copy-source-if-modified-since"), req.header("x-amz-copy-source-if-unmodified-since"));
        } catch (Preconditions.NotModified e) {
            throw new S3Exception(S3ErrorCode.PRECONDITION_FAILED);
        }
        String directive = req.header("x-amz-metadata-directive").orElse("COPY").trim().toUpperCase(java.util.Locale.ROOT);
        Map<String, String> meta;
        if (directive.equals("COPY")) {
            if (from.name().equals(target.name()) && source[1].equals(req.key())) {
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
            copy = objects.put(target.name(), req.key(), meta, in, src.size());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        XmlWriter doc = XmlWriter.document("CopyObjectResult", XmlWriter.S3_NS);
        doc.element("LastModified", Responses.iso(copy.lastModified())).element("ETag", Responses.quoted(copy.etag()));
        return Responses.xml(doc);
    }

    /** Bucket and key of {@code x-amz-copy-source} ("/bucket/key" or "bucket/key", URL-encoded). */
    static String[] parseSource(String header) {
        String s = header.trim();
        int q = s.indexOf('?');
        if (q >= 0) {
            String version = s.substring(q + 1);
            s = s.substring(0, q);
            if (!version.isEmpty() && !version.equals("versionId=null")) {
                throw new S3Exception(S3ErrorCode.NO_SUCH_VERSION);
            }
        }
        String decoded;
        try {
            decoded = URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new S3Exception(S3ErrorCode.INVALID_ARGUMENT, "Invalid copy source encoding.");
        }
        if (decoded.startsWith("/")) {
            decoded = decoded.substring(1);
        }
        int slash = decoded.indexOf('/');
        if (slash <= 0 || slash == decoded.length() - 1) {
            throw new S3Exception(S3ErrorCode.INVALID_ARGUMENT, "Copy Source must mention the source bucket and key: sourcebucket/sourcekey")
                    .with("ArgumentName", "x-amz-copy-source").with("ArgumentValue", header);
        }
        String bucket = decoded.substring(0, slash);
        if (!BucketNames.isValid(bucket)) {
            throw new S3Exception(S3ErrorCode.INVALID_BUCKET_NAME).with("BucketName", bucket);
        }
        return new String[] {bucket, decoded.substring(slash + 1)};
    }
}
