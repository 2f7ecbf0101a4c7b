package io.needlestack.gateway.s3.operation;

import io.needlestack.gateway.s3.http.S3Request;
import io.needlestack.gateway.s3.xml.XmlWriter;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.Response;

/** GetBucketVersioning: buckets are unversioned until versioning lands (an empty configuration, as S3 answers). */
@ApplicationScoped
public class GetBucketVersioning {

    @Inject
    BucketAccess access;

    /** Handles {@code GET /bucket?versioning}. */
    public Response handle(S3Request req) {
        access.require(req);
        return Responses.xml(XmlWriter.document("VersioningConfiguration", XmlWriter.S3_NS));
    }
}
