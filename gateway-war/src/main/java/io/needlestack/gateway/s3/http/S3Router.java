package io.needlestack.gateway.s3.http;

import io.needlestack.gateway.s3.error.S3ErrorCode;
import io.needlestack.gateway.s3.error.S3Exception;
import io.needlestack.gateway.s3.operation.CopyObject;
import io.needlestack.gateway.s3.operation.CreateBucket;
import io.needlestack.gateway.s3.operation.DeleteBucket;
import io.needlestack.gateway.s3.operation.DeleteObject;
import io.needlestack.gateway.s3.operation.DeleteObjects;
import io.needlestack.gateway.s3.operation.GetAcl;
import io.needlestack.gateway.s3.operation.GetBucketLocation;
import io.needlestack.gateway.s3.operation.GetBucketVersioning;
import io.needlestack.gateway.s3.operation.GetObject;
import io.needlestack.gateway.s3.operation.HeadBucket;
import io.needlestack.gateway.s3.operation.ListBuckets;
import io.needlestack.gateway.s3.operation.ListObjects;
import io.needlestack.gateway.s3.operation.MultipartOperations;
import io.needlestack.gateway.s3.operation.PutObject;
import io.needlestack.gateway.s3.operation.UploadPartCopy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.Response;
import java.util.Set;

/**
 * Picks the S3 operation a request names, by method, by whether it addresses the service, a
 * bucket or an object, and by its sub-resource query parameters. Sub-resources that are not
 * implemented are answered with NotImplemented rather than being mistaken for a plain GET.
 */
@ApplicationScoped
public class S3Router {

    /** Bucket sub-resources S3 knows that this gateway does not implement yet. */
    private static final Set<String> UNSUPPORTED_BUCKET = Set.of("accelerate", "analytics", "cors", "encryption",
            "intelligent-tiering", "inventory", "lifecycle", "logging", "metrics", "notification", "object-lock",
            "ownershipControls", "policy", "policyStatus", "publicAccessBlock", "replication", "requestPayment",
            "tagging", "website", "acl");
    /** Object sub-resources not implemented yet. */
    private static final Set<String> UNSUPPORTED_OBJECT = Set.of("tagging", "retention", "legal-hold", "torrent",
            "restore", "select", "attributes", "acl");

    @Inject ListBuckets listBuckets;
    @Inject CreateBucket createBucket;
    @Inject HeadBucket headBucket;
    @Inject DeleteBucket deleteBucket;
    @Inject GetBucketLocation getBucketLocation;
    @Inject GetBucketVersioning getBucketVersioning;
    @Inject GetAcl getAcl;
    @Inject ListObjects listObjects;
    @Inject PutObject putObject;
    @Inject CopyObject copyObject;
    @Inject UploadPartCopy uploadPartCopy;
    @Inject GetObject getObject;
    @Inject DeleteObject deleteObject;
    @Inject DeleteObjects deleteObjects;
    @Inject MultipartOperations multipart;

    /** Answers an authenticated request. */
    public Response route(S3Request req) {
        if (req.bucket() == null) {
            if (req.method().equals("GET")) {
                return listBuckets.handle(req);
            }
            throw notAllowed(req);
        }
        return req.key() == null ? bucket(req) : object(req);
    }

    private Response bucket(S3Request req) {
        switch (req.method()) {
            case "GET":
                if (req.has("acl")) {
                    return getAcl.handle(req);
                }
                unsupported(req, UNSUPPORTED_BUCKET);
                if (req.has("location")) {
                    return getBucketLocation.handle(req);
                }
                if (req.has("versioning")) {
                    return getBucketVersioning.handle(req);
                }
                if (req.has("versions")) {
                    return listObjects.versions(req);
                }
                if (req.has("uploads")) {
                    return multipart.listMultipartUploads(req);
                }
                return listObjects.handle(req);
            case "HEAD":
                return headBucket.handle(req);
            case "PUT":
                unsupported(req, UNSUPPORTED_BUCKET);
                if (req.has("versioning")) {
                    throw new S3Exception(S3ErrorCode.NOT_IMPLEMENTED, "Bucket versioning is not implemented yet.");
                }
                return createBucket.handle(req);
            case "DELETE":
                unsupported(req, UNSUPPORTED_BUCKET);
                return deleteBucket.handle(req);
            case "POST":
                if (req.has("delete")) {
                    return deleteObjects.handle(req);
                }
                throw notAllowed(req);
            default:
                throw notAllowed(req);
        }
    }

    private Response object(S3Request req) {
        switch (req.method()) {
            case "GET":
                if (req.has("acl")) {
                    return getAcl.handle(req);
                }
                unsupported(req, UNSUPPORTED_OBJECT);
                if (req.has("uploadId")) {
                    return multipart.listParts(req);
                }
                return getObject.handle(req, false);
            case "HEAD":
                return getObject.handle(req, true);
            case "PUT":
                unsupported(req, UNSUPPORTED_OBJECT);
                if (req.has("uploadId") || req.has("partNumber")) {
                    if (!req.has("uploadId") || !req.has("partNumber")) {
                        throw new S3Exception(S3ErrorCode.INVALID_REQUEST, "UploadPart needs both partNumber and uploadId.");
                    }
                    if (req.header("x-amz-copy-source").isPresent()) {
                        return uploadPartCopy.handle(req);
                    }
                    return multipart.uploadPart(req);
                }
                if (req.header("x-amz-copy-source").isPresent()) {
                    return copyObject.handle(req);
                }
                return putObject.handle(req);
            case "DELETE":
                unsupported(req, UNSUPPORTED_OBJECT);
                if (req.has("uploadId")) {
                    return multipart.abortMultipartUpload(req);
                }
                return deleteObject.handle(req);
            case "POST":
                if (req.has("uploads")) {
                    return multipart.createMultipartUpload(req);
                }
                if (req.has("uploadId")) {
                    return multipart.completeMultipartUpload(req);
                }
                throw notAllowed(req);
            default:
                throw notAllowed(req);
        }
    }

    private static void unsupported(S3Request req, Set<String> names) {
        for (String p : req.params()) {
            if (names.contains(p)) {
                throw new S3Exception(S3ErrorCode.NOT_IMPLEMENTED, "The " + p + " sub-resource is not implemented yet.",
                        req.resource());
            }
        }
    }

    private static S3Exception notAllowed(S3Request req) {
        return new S3Exception(S3ErrorCode.METHOD_NOT_ALLOWED, null, req.resource())
                .with("Method", req.method()).with("ResourceType", req.key() != null ? "OBJECT"
                        : req.bucket() != null ? "BUCKET" : "SERVICE");
    }
}
