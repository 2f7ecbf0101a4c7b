package io.needlestack.gateway.s3.operation;

import io.needlestack.gateway.s3.http.S3Request;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.Response;

/** HeadBucket: 200 when the bucket exists and the requester may use it. */
@ApplicationScoped
public class HeadBucket {

    @Inject
    BucketAccess access;

    /** Handles {@code HEAD /bucket}. */
    public Response handle(S3Request req) {
        Bucket b = access.require(req);
        return Response.ok().header("x-amz-bucket-region", b.region()).build();
    }
}
