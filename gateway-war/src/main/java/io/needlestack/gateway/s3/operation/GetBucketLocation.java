package io.needlestack.gateway.s3.operation;

import io.needlestack.gateway.s3.http.S3Request;
import io.needlestack.gateway.s3.xml.XmlWriter;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.Response;

/** GetBucketLocation: the region given at creation ("us-east-1" is written as an empty element, as S3 does). */
@ApplicationScoped
public class GetBucketLocation {

    @Inject
    BucketAccess access;

    /** Handles {@code GET /bucket?location}. */
    public Response handle(S3Request req) {
        Bucket b = access.require(req);
        XmlWriter doc = XmlWriter.document("LocationConstraint", XmlWriter.S3_NS);
        if (!"us-east-1".equals(b.region())) {
            doc.text(b.region());
        }
        return Responses.xml(doc);
    }
}
