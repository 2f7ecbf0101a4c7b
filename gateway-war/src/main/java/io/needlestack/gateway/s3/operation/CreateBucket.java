package io.needlestack.gateway.s3.operation;

import io.needlestack.core.config.NodeConfig;
import io.needlestack.core.naming.BucketNames;
import io.needlestack.gateway.s3.error.S3ErrorCode;
import io.needlestack.gateway.s3.error.S3Exception;
import io.needlestack.gateway.s3.http.S3Request;
import io.needlestack.gateway.s3.xml.XmlRequestBody;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.Response;

/**
 * CreateBucket, with an optional CreateBucketConfiguration naming the LocationConstraint. The
 * region must be this cluster's (as S3 refuses a constraint that differs from the endpoint's).
 */
@ApplicationScoped
public class CreateBucket {

    @Inject
    BucketRegistry buckets;

    /** Handles {@code PUT /bucket}. */
    public Response handle(S3Request req) {
        String name = req.bucket();
        if (!BucketNames.isValid(name)) {
            throw new S3Exception(S3ErrorCode.INVALID_BUCKET_NAME, null, req.resource()).with("BucketName", name);
        }
        String region = NodeConfig.current().region();
        if (req.contentLength() != 0) {
            XmlRequestBody body = XmlRequestBody.parse(req.body(), 64 * 1024);
            if (!"CreateBucketConfiguration".equals(body.rootName())) {
                throw new S3Exception(S3ErrorCode.MALFORMED_XML);
            }
            String constraint = XmlRequestBody.childText(body.root(), "LocationConstraint");
            if (constraint != null && !constraint.isBlank() && !constraint.trim().equals(region)) {
                throw new S3Exception(S3ErrorCode.ILLEGAL_LOCATION_CONSTRAINT_EXCEPTION,
                        "The " + constraint.trim() + " location constraint is incompatible for the region specific endpoint this request was sent to.");
            }
        }
        buckets.create(name, req.principal().userId(), region);
        return Response.ok().header("Location", "/" + name).build();
    }
}
