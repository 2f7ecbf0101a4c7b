package io.needlestack.gateway.s3.operation;

import io.needlestack.gateway.object.ObjectStore;
import io.needlestack.gateway.s3.http.S3Request;
import io.needlestack.gateway.s3.xml.XmlWriter;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.Response;

/**
 * GetBucketAcl and GetObjectAcl: the owner holds FULL_CONTROL (the canned "private" ACL, the only
 * one until ACLs land). Clients such as s3cmd ask for it after uploads.
 */
@ApplicationScoped
public class GetAcl {

    @Inject
    BucketAccess access;
    @Inject
    ObjectStore objects;

    /** Handles {@code GET /bucket?acl} and {@code GET /bucket/key?acl}. */
    public Response handle(S3Request req) {
        Bucket b = access.require(req);
        if (req.key() != null) {
            Unsupported.requireNullVersion(req);
            objects.require(b.name(), req.key());
        }
        XmlWriter doc = XmlWriter.document("AccessControlPolicy", XmlWriter.S3_NS);
        doc.start("Owner").element("ID", b.owner()).element("DisplayName", b.ownerDisplayName()).end();
        doc.start("AccessControlList").start("Grant");
        doc.start("Grantee").attribute("xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance")
                .attribute("xsi:type", "CanonicalUser");
        doc.element("ID", b.owner()).element("DisplayName", b.ownerDisplayName());
        doc.end();
        doc.element("Permission", "FULL_CONTROL");
        doc.end().end();
        return Responses.xml(doc);
    }
}
