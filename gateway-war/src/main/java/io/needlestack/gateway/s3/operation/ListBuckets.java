package io.needlestack.gateway.s3.operation;

import io.needlestack.gateway.s3.http.S3Request;
import io.needlestack.gateway.s3.xml.XmlWriter;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.Response;

/** ListBuckets: the requester's buckets. */
@ApplicationScoped
public class ListBuckets {

    @Inject
    BucketRegistry buckets;

    /** Handles {@code GET /}. */
    public Response handle(S3Request req) {
        XmlWriter doc = XmlWriter.document("ListAllMyBucketsResult", XmlWriter.S3_NS);
        doc.start("Owner").element("ID", req.principal().userId())
                .element("DisplayName", req.principal().displayName()).end();
        doc.start("Buckets");
        for (Bucket b : buckets.ownedBy(req.principal().userId())) {
            doc.start("Bucket").element("Name", b.name()).element("CreationDate", Responses.iso(b.created()))
                    .element("BucketRegion", b.region()).end();
        }
        doc.end();
        return Responses.xml(doc);
    }
}
