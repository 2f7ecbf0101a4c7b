package io.needlestack.gateway.s3.operation;

import io.needlestack.core.naming.ObjectKeys;
import io.needlestack.gateway.object.ObjectPrecondition;
import io.needlestack.gateway.object.ObjectStore;
import io.needlestack.gateway.s3.error.S3ErrorCode;
import io.needlestack.gateway.s3.error.S3Exception;
import io.needlestack.gateway.s3.http.S3Request;
import io.needlestack.gateway.s3.xml.XmlRequestBody;
import io.needlestack.gateway.s3.xml.XmlWriter;
import io.needlestack.storage.store.NeedleStoreException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.Response;
import java.util.List;
import org.w3c.dom.Element;

/**
 * DeleteObjects: up to 1,000 keys in one request, each answered on its own; Quiet reports errors
 * only. An object's {@code ETag} element makes its delete conditional, as {@code If-Match} does
 * for DeleteObject.
 */
@ApplicationScoped
public class DeleteObjects {

    /** Most keys one request may name. */
    public static final int MAX_KEYS = 1000;

    @Inject
    BucketAccess access;
    @Inject
    ObjectStore objects;

    /** Handles {@code POST /bucket?delete}. */
    public Response handle(S3Request req) {
        Bucket b = access.require(req);
        XmlRequestBody body = XmlRequestBody.parse(req.body(), 2 * 1024 * 1024);
        if (!"Delete".equals(body.rootName())) {
            throw new S3Exception(S3ErrorCode.MALFORMED_XML);
        }
        boolean quiet = "true".equalsIgnoreCase(String.valueOf(XmlRequestBody.childText(body.root(), "Quiet")).trim());
        List<Element> keys = XmlRequestBody.children(body.root(), "Object");
        if (keys.isEmpty() || keys.size() > MAX_KEYS) {
            throw new S3Exception(S3ErrorCode.MALFORMED_XML);
        }
        XmlWriter doc = XmlWriter.document("DeleteResult", XmlWriter.S3_NS);
        for (Element e : keys) {
            String key = XmlRequestBody.childText(e, "Key");
            if (key == null) {
                throw new S3Exception(S3ErrorCode.MALFORMED_XML);
            }
            String version = XmlRequestBody.childText(e, "VersionId");
            if (key.isEmpty() || ObjectKeys.isTooLong(key)) {
                error(doc, key, version, key.isEmpty() ? S3ErrorCode.INVALID_ARGUMENT : S3ErrorCode.KEY_TOO_LONG_ERROR);
                continue;
            }
            if (version != null && !ObjectStore.NULL_VERSION.equals(version)) {
                error(doc, key, version, S3ErrorCode.NO_SUCH_VERSION);
                continue;
            }
            if (XmlRequestBody.childText(e, "LastModifiedTime") != null || XmlRequestBody.childText(e, "Size") != null) {
                // Directory buckets' conditions: refused, as ignoring them would delete what was to be kept.
                error(doc, key, version, S3ErrorCode.NOT_IMPLEMENTED);
                continue;
            }
            String etag = XmlRequestBody.childText(e, "ETag");
            ObjectPrecondition condition = etag == null ? ObjectPrecondition.NONE
                    : WritePreconditions.ifMatch(etag, "/" + b.name() + "/" + key, key);
            try {
                objects.delete(b.name(), key, condition);
                if (!quiet) {
                    doc.start("Deleted").element("Key", key).element("VersionId", version).end();
                }
            } catch (S3Exception ex) {
                error(doc, key, version, ex.errorCode());
            } catch (NeedleStoreException ex) {
                error(doc, key, version, ex.retryable() ? S3ErrorCode.SERVICE_UNAVAILABLE : S3ErrorCode.INTERNAL_ERROR);
            }
        }
        return Responses.xml(doc);
    }

    private static void error(XmlWriter doc, String key, String version, S3ErrorCode code) {
        doc.start("Error").element("Key", key).element("VersionId", version).element("Code", code.code())
                .element("Message", code.defaultMessage()).end();
    }
}
