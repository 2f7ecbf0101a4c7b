package io.needlestack.gateway.s3.operation;

import io.needlestack.core.naming.BucketNames;
import io.needlestack.gateway.s3.error.S3ErrorCode;
import io.needlestack.gateway.s3.error.S3Exception;
import io.needlestack.gateway.s3.http.S3Request;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Resolves the bucket a request names and checks that the requester may use it: its owner, or
 * an admin, and, when the request names one ({@code x-amz-expected-bucket-owner}), that the
 * bucket's owner is the one expected (a user id here, where S3 has an account id). ACLs and
 * bucket policies come later and will be decided here.
 */
@ApplicationScoped
public class BucketAccess {

    @Inject
    BucketRegistry buckets;

    /** The bucket, or NoSuchBucket / AccessDenied. */
    public Bucket require(S3Request req) {
        String name = req.bucket();
        if (!BucketNames.isValid(name)) {
            throw new S3Exception(S3ErrorCode.INVALID_BUCKET_NAME, null, req.resource()).with("BucketName", name);
        }
        Bucket b = buckets.find(name).orElseThrow(() ->
                new S3Exception(S3ErrorCode.NO_SUCH_BUCKET, null, req.resource()).with("BucketName", name));
        if (!req.principal().admin() && !b.owner().equals(req.principal().userId())) {
            throw new S3Exception(S3ErrorCode.ACCESS_DENIED, null, req.resource());
        }
        // S3's guard against writing to a bucket someone else now owns: the owner's id must match.
        req.header("x-amz-expected-bucket-owner").ifPresent(expected -> {
            if (!expected.trim().equals(b.owner())) {
                throw new S3Exception(S3ErrorCode.ACCESS_DENIED, null, req.resource());
            }
        });
        return b;
    }
}
