package io.needlestack.gateway.s3.operation;

import io.needlestack.core.clock.HybridLogicalClock;
import io.needlestack.gateway.object.MultipartUploads;
import io.needlestack.gateway.object.ObjectStore;
import io.needlestack.gateway.object.StoredObject;
import io.needlestack.gateway.s3.error.S3ErrorCode;
import io.needlestack.gateway.s3.error.S3Exception;
import io.needlestack.gateway.s3.http.S3Request;
import io.needlestack.gateway.s3.xml.XmlWriter;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;

/**
 * UploadPartCopy: {@code PUT /bucket/key?partNumber=N&uploadId=ID} with {@code x-amz-copy-source}
 * stores a part whose bytes are the source object's, or the part of it that
 * {@code x-amz-copy-source-range: bytes=first-last} names. The source is read through the object
 * layer like a GET (chunk by chunk, never whole) and written like an UploadPart, so the part's ETag
 * is the MD5 of the copied bytes. awscli, boto3 and the SDKs' transfer managers copy objects above
 * their multipart threshold (8 MiB for awscli) this way.
 */
@ApplicationScoped
public class UploadPartCopy {

    static final String RANGE_HEADER = "x-amz-copy-source-range";

    @Inject
    BucketAccess access;
    @Inject
    ObjectStore objects;
    @Inject
    MultipartUploads uploads;

    /** Handles the request; the router has seen {@code uploadId}, {@code partNumber} and the copy source. */
    public Response handle(S3Request req) {
        Bucket b = access.require(req);
        int number = MultipartOperations.partNumber(req);
        MultipartUploads.Upload u = uploads.require(b.name(), req.key(), req.param("uploadId").orElseThrow());
        StoredObject src = CopySource.resolve(req, access, objects).object();
        ByteRange range = range(req.header(RANGE_HEADER).orElse(null), src.size());
        if (range.length() > MultipartOperations.MAX_PART_BYTES) {
            throw new S3Exception(S3ErrorCode.INVALID_REQUEST, "The specified copy source is larger than the maximum "
                    + "allowable size for a copy source: " + MultipartOperations.MAX_PART_BYTES);
        }
        MultipartUploads.Part p;
        try (InputStream in = objects.open(src, range.first(), range.length())) {
            p = uploads.uploadPart(u, number, in, range.length());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        XmlWriter doc = XmlWriter.document("CopyPartResult", XmlWriter.S3_NS);
        doc.element("LastModified", Responses.iso(Instant.ofEpochMilli(HybridLogicalClock.millis(p.record().hlc()))))
                .element("ETag", Responses.quoted(p.etag()));
        return Responses.xml(doc);
    }

    /**
     * The bytes to copy: the whole source without the header, else exactly {@code bytes=first-last}
     * inside the source (S3 accepts no other form here, unlike a GET's Range). An empty source
     * without a range gives an empty range ({@code first} 0, {@code last} -1).
     */
    static ByteRange range(String header, long size) {
        if (header == null) {
            return new ByteRange(0, size - 1);
        }
        String h = header.trim();
        int dash = h.indexOf('-');
        if (!h.startsWith("bytes=") || dash < 0) {
            throw malformed(header);
        }
        long first;
        long last;
        try {
            first = Long.parseLong(h.substring("bytes=".length(), dash));
            last = Long.parseLong(h.substring(dash + 1));
        } catch (NumberFormatException e) {
            throw malformed(header);
        }
        if (first < 0 || last < first || last >= size) {
            throw new S3Exception(S3ErrorCode.INVALID_ARGUMENT, "Range specified is not valid for source object of size: " + size)
                    .with("ArgumentName", RANGE_HEADER).with("ArgumentValue", header);
        }
        return new ByteRange(first, last);
    }

    private static S3Exception malformed(String header) {
        return new S3Exception(S3ErrorCode.INVALID_ARGUMENT, "The x-amz-copy-source-range value must be of the form "
                + "bytes=first-last where first and last are the zero-based offsets of the first and last bytes to copy")
                .with("ArgumentName", RANGE_HEADER).with("ArgumentValue", header);
    }
}
