package io.needlestack.gateway.s3.operation;

import io.needlestack.gateway.object.MultipartUploads;
import io.needlestack.gateway.object.ObjectStore;
import io.needlestack.gateway.s3.error.S3ErrorCode;
import io.needlestack.gateway.s3.error.S3Exception;
import io.needlestack.gateway.s3.http.S3Request;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.Response;

/** DeleteBucket: refuses a bucket that still holds objects (BucketNotEmpty); aborts open uploads. */
@ApplicationScoped
public class DeleteBucket {

    @Inject
    BucketAccess access;
    @Inject
    BucketRegistry buckets;
    @Inject
    ObjectStore objects;
    @Inject
    MultipartUploads uploads;

    /** Handles {@code DELETE /bucket}. */
    public Response handle(S3Request req) {
        Bucket b = access.require(req);
        if (!objects.isEmpty(b.name())) {
            throw new S3Exception(S3ErrorCode.BUCKET_NOT_EMPTY, null, req.resource()).with("BucketName", b.name());
        }
        for (MultipartUploads.Upload u : uploads.uploads(b.name(), "", null, Integer.MAX_VALUE)) {
            uploads.abort(u);
        }
        buckets.delete(b.name());
        return Response.noContent().build();
    }
}
