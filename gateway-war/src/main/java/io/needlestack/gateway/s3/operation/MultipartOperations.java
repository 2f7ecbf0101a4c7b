package io.needlestack.gateway.s3.operation;

import io.needlestack.gateway.object.MultipartUploads;
import io.needlestack.gateway.object.ObjectAttributes;
import io.needlestack.gateway.object.ObjectPrecondition;
import io.needlestack.gateway.object.StoredObject;
import io.needlestack.gateway.s3.error.S3ErrorCode;
import io.needlestack.gateway.s3.error.S3Exception;
import io.needlestack.gateway.s3.http.S3Request;
import io.needlestack.gateway.s3.xml.XmlRequestBody;
import io.needlestack.gateway.s3.xml.XmlWriter;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.w3c.dom.Element;

/**
 * The multipart upload operations, each named as AWS names it: CreateMultipartUpload,
 * UploadPart, CompleteMultipartUpload, AbortMultipartUpload, ListParts, ListMultipartUploads.
 * They share the upload lookup and the part-number rules, hence one class.
 */
@ApplicationScoped
public class MultipartOperations {

    /** Largest part S3 accepts. */
    public static final long MAX_PART_BYTES = 5L * 1024 * 1024 * 1024;

    @Inject
    BucketAccess access;
    @Inject
    MultipartUploads uploads;

    /** CreateMultipartUpload: {@code POST /bucket/key?uploads}. */
    public Response createMultipartUpload(S3Request req) {
        Bucket b = access.require(req);
        PutObject.requireKey(req);
        Unsupported.checkNewObject(req);
        Map<String, String> meta = PutObject.metadataFrom(req);
        meta.put(ObjectAttributes.OWNER, req.principal().userId());
        String id = uploads.create(b.name(), req.key(), meta);
        XmlWriter doc = XmlWriter.document("InitiateMultipartUploadResult", XmlWriter.S3_NS);
        doc.element("Bucket", b.name()).element("Key", req.key()).element("UploadId", id);
        return Responses.xml(doc);
    }

    /** UploadPart: {@code PUT /bucket/key?partNumber=N&uploadId=ID}. */
    public Response uploadPart(S3Request req) {
        Bucket b = access.require(req);
        int number = partNumber(req);
        long length = PutObject.requireLength(req, MAX_PART_BYTES);
        MultipartUploads.Upload u = uploads.require(b.name(), req.key(), req.param("uploadId").orElseThrow());
        MultipartUploads.Part p = uploads.uploadPart(u, number,
                req.body(), length);
        return Response.ok().header("ETag", Responses.quoted(p.etag())).build();
    }

    /** CompleteMultipartUpload: {@code POST /bucket/key?uploadId=ID}. */
    public Response completeMultipartUpload(S3Request req) {
        Bucket b = access.require(req);
        ObjectPrecondition condition = WritePreconditions.of(req);
        MultipartUploads.Upload u = uploads.require(b.name(), req.key(), req.param("uploadId").orElseThrow());
        XmlRequestBody body = XmlRequestBody.parse(req.body(), 4 * 1024 * 1024);
        if (!"CompleteMultipartUpload".equals(body.rootName())) {
            throw new S3Exception(S3ErrorCode.MALFORMED_XML);
        }
        List<MultipartUploads.PartRef> refs = new ArrayList<>();
        for (Element e : XmlRequestBody.children(body.root(), "Part")) {
            String n = XmlRequestBody.childText(e, "PartNumber");
            String etag = XmlRequestBody.childText(e, "ETag");
            if (n == null || etag == null) {
                throw new S3Exception(S3ErrorCode.MALFORMED_XML);
            }
            try {
                refs.add(new MultipartUploads.PartRef(Integer.parseInt(n.trim()), etag));
            } catch (NumberFormatException ex) {
                throw new S3Exception(S3ErrorCode.MALFORMED_XML);
            }
        }
        StoredObject o = uploads.complete(u, refs, condition);
        XmlWriter doc = XmlWriter.document("CompleteMultipartUploadResult", XmlWriter.S3_NS);
        doc.element("Location", req.objectUrl()).element("Bucket", b.name())
                .element("Key", req.key()).element("ETag", Responses.quoted(o.etag()));
        return Responses.xml(doc);
    }

    /** AbortMultipartUpload: {@code DELETE /bucket/key?uploadId=ID}. */
    public Response abortMultipartUpload(S3Request req) {
        Bucket b = access.require(req);
        uploads.abort(uploads.require(b.name(), req.key(), req.param("uploadId").orElseThrow()));
        return Response.noContent().build();
    }

    /** ListParts: {@code GET /bucket/key?uploadId=ID}. */
    public Response listParts(S3Request req) {
        Bucket b = access.require(req);
        MultipartUploads.Upload u = uploads.require(b.name(), req.key(), req.param("uploadId").orElseThrow());
        int max = req.intParam("max-parts", 1000, 0, 1000);
        int marker = req.intParam("part-number-marker", 0, 0, MultipartUploads.MAX_PART_NUMBER);
        List<MultipartUploads.Part> parts = uploads.parts(u, marker, max + 1);
        // max-parts=0 asks for no parts: not truncated, or a client paging by the (absent) marker never ends.
        boolean truncated = max > 0 && parts.size() > max;
        if (parts.size() > max) {
            parts = parts.subList(0, max);
        }
        XmlWriter doc = XmlWriter.document("ListPartsResult", XmlWriter.S3_NS);
        doc.element("Bucket", b.name()).element("Key", u.key()).element("UploadId", u.uploadId())
                .element("PartNumberMarker", marker);
        if (!parts.isEmpty()) {
            doc.element("NextPartNumberMarker", parts.get(parts.size() - 1).number());
        }
        doc.element("MaxParts", max).element("IsTruncated", truncated);
        String owner = u.metadata().getOrDefault(ObjectAttributes.OWNER, b.owner());
        doc.start("Initiator").element("ID", owner).element("DisplayName", owner).end();
        doc.start("Owner").element("ID", owner).element("DisplayName", owner).end();
        doc.element("StorageClass", "STANDARD");
        for (MultipartUploads.Part p : parts) {
            doc.start("Part").element("PartNumber", p.number())
                    .element("LastModified", Responses.iso(java.time.Instant.ofEpochMilli(
                            io.needlestack.core.clock.HybridLogicalClock.millis(p.record().hlc()))))
                    .element("ETag", Responses.quoted(p.etag())).element("Size", p.size()).end();
        }
        return Responses.xml(doc);
    }

    /** ListMultipartUploads: {@code GET /bucket?uploads}. */
    public Response listMultipartUploads(S3Request req) {
        Bucket b = access.require(req);
        String prefix = req.param("prefix").orElse("");
        int max = req.intParam("max-uploads", 1000, 0, 1000);
        String keyMarker = req.param("key-marker").orElse(null);
        String idMarker = req.param("upload-id-marker").orElse(null);
        String after = keyMarker == null ? null : keyMarker + "\n" + (idMarker == null ? "\uDBFF\uDFFF" : idMarker);
        List<MultipartUploads.Upload> list = uploads.uploads(b.name(), prefix, after, max + 1);
        boolean truncated = max > 0 && list.size() > max;
        if (list.size() > max) {
            list = list.subList(0, max);
        }
        XmlWriter doc = XmlWriter.document("ListMultipartUploadsResult", XmlWriter.S3_NS);
        doc.element("Bucket", b.name()).element("KeyMarker", keyMarker == null ? "" : keyMarker)
                .element("UploadIdMarker", idMarker == null ? "" : idMarker);
        if (truncated && !list.isEmpty()) {
            MultipartUploads.Upload last = list.get(list.size() - 1);
            doc.element("NextKeyMarker", last.key()).element("NextUploadIdMarker", last.uploadId());
        }
        doc.element("Prefix", prefix).element("MaxUploads", max).element("IsTruncated", truncated);
        for (MultipartUploads.Upload u : list) {
            String owner = u.metadata().getOrDefault(ObjectAttributes.OWNER, b.owner());
            doc.start("Upload").element("Key", u.key()).element("UploadId", u.uploadId())
                    .start("Initiator").element("ID", owner).element("DisplayName", owner).end()
                    .start("Owner").element("ID", owner).element("DisplayName", owner).end()
                    .element("StorageClass", "STANDARD")
                    .element("Initiated", Responses.iso(java.time.Instant.ofEpochMilli(
                            io.needlestack.core.clock.HybridLogicalClock.millis(u.record().hlc()))))
                    .end();
        }
        return Responses.xml(doc);
    }

    static int partNumber(S3Request req) {
        String raw = req.param("partNumber").orElse("");
        try {
            int n = Integer.parseInt(raw);
            if (n >= 1 && n <= MultipartUploads.MAX_PART_NUMBER) {
                return n;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw new S3Exception(S3ErrorCode.INVALID_ARGUMENT, "Part number must be an integer between 1 and 10000, inclusive")
                .with("ArgumentName", "partNumber").with("ArgumentValue", raw);
    }
}
