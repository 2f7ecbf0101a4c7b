package io.needlestack.gateway.s3.operation;

import io.needlestack.core.naming.BucketNames;
import io.needlestack.gateway.object.ObjectStore;
import io.needlestack.gateway.object.StoredObject;
import io.needlestack.gateway.s3.error.S3ErrorCode;
import io.needlestack.gateway.s3.error.S3Exception;
import io.needlestack.gateway.s3.http.S3Request;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * The object an {@code x-amz-copy-source} header names, resolved for CopyObject and
 * UploadPartCopy alike: the caller may read its bucket, it exists, and its
 * {@code x-amz-copy-source-if-*} conditions hold (else 412 PreconditionFailed, as S3 answers a
 * copy whose source condition fails, whichever condition it was).
 *
 * @param bucket the source bucket
 * @param object the source object's newest version
 */
record CopySource(Bucket bucket, StoredObject object) {

    /** Resolves the request's {@code x-amz-copy-source}; the header must be present. */
    static CopySource resolve(S3Request req, BucketAccess access, ObjectStore objects) {
        String[] source = parse(req.header("x-amz-copy-source").orElseThrow());
        Bucket from = access.require(req.forObject(source[0], source[1]));
        StoredObject src = objects.require(from.name(), source[1]);
        try {
            Preconditions.check(src, req.header("x-amz-copy-source-if-match"), req.header("x-amz-copy-source-if-none-match"),
                    req.header("x-amz-copy-source-if-modified-since"), req.header("x-amz-copy-source-if-unmodified-since"));
        } catch (Preconditions.NotModified e) {
            throw new S3Exception(S3ErrorCode.PRECONDITION_FAILED);
        }
        return new CopySource(from, src);
    }

    /** Bucket and key of {@code x-amz-copy-source} ("/bucket/key" or "bucket/key", URL-encoded). */
    static String[] parse(String header) {
        String s = header.trim();
        int q = s.indexOf('?');
        if (q >= 0) {
            String version = s.substring(q + 1);
            s = s.substring(0, q);
            if (!version.isEmpty() && !version.equals("versionId=null")) {
                throw new S3Exception(S3ErrorCode.NO_SUCH_VERSION);
            }
        }
        String decoded;
        try {
            decoded = URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new S3Exception(S3ErrorCode.INVALID_ARGUMENT, "Invalid copy source encoding.");
        }
        if (decoded.startsWith("/")) {
            decoded = decoded.substring(1);
        }
        int slash = decoded.indexOf('/');
        if (slash <= 0 || slash == decoded.length() - 1) {
            throw new S3Exception(S3ErrorCode.INVALID_ARGUMENT, "Copy Source must mention the source bucket and key: sourcebucket/sourcekey")
                    .with("ArgumentName", "x-amz-copy-source").with("ArgumentValue", header);
        }
        String bucket = decoded.substring(0, slash);
        if (!BucketNames.isValid(bucket)) {
            throw new S3Exception(S3ErrorCode.INVALID_BUCKET_NAME).with("BucketName", bucket);
        }
        return new String[] {bucket, decoded.substring(slash + 1)};
    }
}
