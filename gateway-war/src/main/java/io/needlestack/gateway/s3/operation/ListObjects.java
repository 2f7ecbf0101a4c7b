package io.needlestack.gateway.s3.operation;

import io.needlestack.gateway.object.ObjectStore;
import io.needlestack.gateway.object.StoredObject;
import io.needlestack.gateway.s3.error.S3ErrorCode;
import io.needlestack.gateway.s3.error.S3Exception;
import io.needlestack.gateway.s3.http.RequestTarget;
import io.needlestack.gateway.s3.http.S3Request;
import io.needlestack.gateway.s3.xml.XmlWriter;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.Response;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * ListObjects (V1, {@code marker}), ListObjectsV2 ({@code list-type=2}: continuation-token,
 * start-after, fetch-owner) and ListObjectVersions (every version id "null" until versioning),
 * all with prefix, delimiter, max-keys and encoding-type=url.
 */
@ApplicationScoped
public class ListObjects {

    /** Most keys one page returns. */
    public static final int MAX_KEYS = 1000;

    @Inject
    BucketAccess access;
    @Inject
    ObjectStore objects;

    /** Handles {@code GET /bucket} and {@code GET /bucket?list-type=2}. */
    public Response handle(S3Request req) {
        Bucket b = access.require(req);
        boolean v2 = req.param("list-type").map("2"::equals).orElse(false);
        String prefix = req.param("prefix").orElse("");
        String delimiter = req.param("delimiter").orElse(null);
        int maxKeys = req.intParam("max-keys", MAX_KEYS, 0, MAX_KEYS);
        boolean url = encoding(req);
        String marker;
        String token = null;
        if (v2) {
            token = req.param("continuation-token").orElse(null);
            marker = token != null ? decodeToken(token) : req.param("start-after").orElse(null);
        } else {
            marker = req.param("marker").orElse(null);
        }
        KeyListing.Page<StoredObject> page = listing(b.name(), prefix).list(prefix, delimiter, marker, maxKeys);

        XmlWriter doc = XmlWriter.document("ListBucketResult", XmlWriter.S3_NS);
        doc.element("Name", b.name()).element("Prefix", enc(prefix, url));
        if (v2) {
            req.param("start-after").ifPresent(s -> doc.element("StartAfter", enc(s, url)));
            doc.element("ContinuationToken", token);
            if (page.truncated()) {
                doc.element("NextContinuationToken", encodeToken(page.nextMarker()));
            }
            doc.element("KeyCount", page.contents().size() + page.commonPrefixes().size());
        } else {
            doc.element("Marker", enc(marker == null ? "" : marker, url));
            if (page.truncated() && delimiter != null) {
                doc.element("NextMarker", enc(page.nextMarker(), url));
            }
        }
        doc.element("MaxKeys", maxKeys);
        doc.element("Delimiter", delimiter == null ? null : enc(delimiter, url));
        if (url) {
            doc.element("EncodingType", "url");
        }
        doc.element("IsTruncated", page.truncated());
        boolean owner = !v2 || req.param("fetch-owner").map("true"::equals).orElse(false);
        for (StoredObject o : page.contents()) {
            doc.start("Contents").element("Key", enc(o.key(), url))
                    .element("LastModified", Responses.iso(o.lastModified()))
                    .element("ETag", Responses.quoted(o.etag()))
                    .element("Size", o.size())
                    .element("StorageClass", "STANDARD");
            if (owner) {
                ownerElement(doc, b, o);
            }
            doc.end();
        }
        for (String cp : page.commonPrefixes()) {
            doc.start("CommonPrefixes").element("Prefix", enc(cp, url)).end();
        }
        return Responses.xml(doc);
    }

    /** Handles {@code GET /bucket?versions}: one "null" version per live key, no delete markers. */
    public Response versions(S3Request req) {
        Bucket b = access.require(req);
        String prefix = req.param("prefix").orElse("");
        String delimiter = req.param("delimiter").orElse(null);
        int maxKeys = req.intParam("max-keys", MAX_KEYS, 0, MAX_KEYS);
        boolean url = encoding(req);
        String marker = req.param("key-marker").orElse(null);
        KeyListing.Page<StoredObject> page = listing(b.name(), prefix).list(prefix, delimiter, marker, maxKeys);
        XmlWriter doc = XmlWriter.document("ListVersionsResult", XmlWriter.S3_NS);
        doc.element("Name", b.name()).element("Prefix", enc(prefix, url))
                .element("KeyMarker", enc(marker == null ? "" : marker, url))
                .element("VersionIdMarker", req.param("version-id-marker").orElse(""));
        if (page.truncated()) {
            doc.element("NextKeyMarker", enc(page.nextMarker(), url)).element("NextVersionIdMarker", ObjectStore.NULL_VERSION);
        }
        doc.element("MaxKeys", maxKeys).element("Delimiter", delimiter == null ? null : enc(delimiter, url));
        if (url) {
            doc.element("EncodingType", "url");
        }
        doc.element("IsTruncated", page.truncated());
        for (StoredObject o : page.contents()) {
            doc.start("Version").element("Key", enc(o.key(), url)).element("VersionId", ObjectStore.NULL_VERSION)
                    .element("IsLatest", true).element("LastModified", Responses.iso(o.lastModified()))
                    .element("ETag", Responses.quoted(o.etag())).element("Size", o.size())
                    .element("StorageClass", "STANDARD");
            ownerElement(doc, b, o);
            doc.end();
        }
        for (String cp : page.commonPrefixes()) {
            doc.start("CommonPrefixes").element("Prefix", enc(cp, url)).end();
        }
        return Responses.xml(doc);
    }

    private KeyListing<StoredObject> listing(String bucket, String prefix) {
        return new KeyListing<>((after, limit) -> objects.list(bucket, prefix, after, limit), StoredObject::key);
    }

    private static void ownerElement(XmlWriter doc, Bucket b, StoredObject o) {
        String id = o.owner() != null ? o.owner() : b.owner();
        doc.start("Owner").element("ID", id)
                .element("DisplayName", id.equals(b.owner()) ? b.ownerDisplayName() : id).end();
    }

    private static boolean encoding(S3Request req) {
        String e = req.param("encoding-type").orElse(null);
        if (e == null) {
            return false;
        }
        if (!e.equals("url")) {
            throw new S3Exception(S3ErrorCode.INVALID_ARGUMENT, "Invalid Encoding Method specified in Request")
                    .with("ArgumentName", "encoding-type").with("ArgumentValue", e);
        }
        return true;
    }

    /** S3's encoding-type=url: percent-encoding with spaces as %20, slashes left as they are. */
    static String enc(String s, boolean url) {
        return url ? RequestTarget.encodePath(s) : s;
    }

    static String encodeToken(String marker) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(marker.getBytes(StandardCharsets.UTF_8));
    }

    static String decodeToken(String token) {
        try {
            return new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new S3Exception(S3ErrorCode.INVALID_ARGUMENT, "The continuation token provided is incorrect")
                    .with("ArgumentName", "continuation-token");
        }
    }
}
