package io.needlestack.gateway.s3.operation;

import io.needlestack.gateway.object.ObjectStore;
import io.needlestack.gateway.s3.error.S3ErrorCode;
import io.needlestack.gateway.s3.error.S3Exception;
import io.needlestack.gateway.s3.http.S3Request;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Request headers and parameters that ask for something this gateway does not do yet, refused
 * before anything is written. Each of them used to be ignored, which is worse than an error: the
 * client went on believing its write was conditional, encrypted, tagged, public or archived, or,
 * for a version id, deleted the object's only version when it named another one.
 *
 * <ul>
 *   <li>server-side encryption, object tags and object lock: {@code 501 NotImplemented};</li>
 *   <li>a storage class other than STANDARD: {@code 400 InvalidStorageClass};</li>
 *   <li>ACLs other than the owner's own ({@code private}, {@code bucket-owner-full-control}):
 *       {@code 400 AccessControlListNotSupported}, as S3 answers for a bucket whose ACLs are
 *       disabled (its default since 2023);</li>
 *   <li>user metadata over 2 KB (names after {@code x-amz-meta-} plus values, UTF-8):
 *       {@code 400 MetadataTooLarge}, S3's limit;</li>
 *   <li>a {@code versionId} other than S3's {@code null}: {@code 404 NoSuchVersion} (until
 *       bucket versioning, every object has only that version).</li>
 * </ul>
 */
final class Unsupported {

    /** S3's limit on user metadata: names (without {@code x-amz-meta-}) and values, in bytes. */
    static final int MAX_USER_METADATA_BYTES = 2048;

    private static final Set<String> OWNER_ONLY_ACLS = Set.of("private", "bucket-owner-full-control");
    private static final Set<String> GRANTS = Set.of("x-amz-grant-read", "x-amz-grant-write",
            "x-amz-grant-read-acp", "x-amz-grant-write-acp", "x-amz-grant-full-control");
    private static final Set<String> ENCRYPTION = Set.of("x-amz-server-side-encryption",
            "x-amz-server-side-encryption-aws-kms-key-id", "x-amz-server-side-encryption-context",
            "x-amz-server-side-encryption-bucket-key-enabled",
            "x-amz-server-side-encryption-customer-algorithm", "x-amz-server-side-encryption-customer-key",
            "x-amz-server-side-encryption-customer-key-md5");
    private static final Set<String> OBJECT_LOCK = Set.of("x-amz-object-lock-mode",
            "x-amz-object-lock-retain-until-date", "x-amz-object-lock-legal-hold");

    private Unsupported() {
    }

    /**
     * Checks a request that creates an object: PutObject, CopyObject, CreateMultipartUpload. Their
     * write conditions are {@link WritePreconditions}' (CreateMultipartUpload takes none: S3 checks
     * them when the upload completes).
     */
    static void checkNewObject(S3Request req) {
        for (String h : ENCRYPTION) {
            if (req.header(h).isPresent()) {
                throw notImplemented(req, "Server-side encryption (" + h + ") is not implemented yet.");
            }
        }
        for (String h : OBJECT_LOCK) {
            if (req.header(h).isPresent()) {
                throw notImplemented(req, "Object lock (" + h + ") is not implemented yet.");
            }
        }
        if (req.header("x-amz-tagging").isPresent()) {
            throw notImplemented(req, "Object tagging (x-amz-tagging) is not implemented yet.");
        }
        req.header("x-amz-storage-class").ifPresent(c -> {
            if (!c.trim().equals("STANDARD")) {
                throw new S3Exception(S3ErrorCode.INVALID_STORAGE_CLASS, null, req.resource())
                        .with("StorageClassRequested", c);
            }
        });
        req.header("x-amz-acl").ifPresent(acl -> {
            if (!OWNER_ONLY_ACLS.contains(acl.trim().toLowerCase(Locale.ROOT))) {
                throw new S3Exception(S3ErrorCode.ACCESS_CONTROL_LIST_NOT_SUPPORTED, null, req.resource());
            }
        });
        for (String h : GRANTS) {
            if (req.header(h).isPresent()) {
                throw new S3Exception(S3ErrorCode.ACCESS_CONTROL_LIST_NOT_SUPPORTED, null, req.resource());
            }
        }
        checkMetadataSize(req);
    }


    /** S3's 2 KB limit on user metadata. */
    static void checkMetadataSize(S3Request req) {
        long bytes = 0;
        for (Map.Entry<String, String> e : req.userMetadataHeaders().entrySet()) {
            bytes += e.getKey().substring("x-amz-meta-".length()).getBytes(StandardCharsets.UTF_8).length
                    + e.getValue().getBytes(StandardCharsets.UTF_8).length;
        }
        if (bytes > MAX_USER_METADATA_BYTES) {
            throw new S3Exception(S3ErrorCode.METADATA_TOO_LARGE, null, req.resource())
                    .with("Size", Long.toString(bytes)).with("MaxSizeAllowed", Integer.toString(MAX_USER_METADATA_BYTES));
        }
    }

    /**
     * A request naming a version of an object (GetObject, HeadObject, DeleteObject, GetObjectAcl):
     * only {@code null} exists. Deleting "another" version must not delete this one.
     */
    static void requireNullVersion(S3Request req) {
        req.param("versionId").ifPresent(v -> {
            if (v.isEmpty()) {
                throw new S3Exception(S3ErrorCode.INVALID_ARGUMENT, "Version id cannot be the empty string",
                        req.resource()).with("ArgumentName", "versionId").with("ArgumentValue", v);
            }
            if (!ObjectStore.NULL_VERSION.equals(v)) {
                throw new S3Exception(S3ErrorCode.NO_SUCH_VERSION, null, req.resource())
                        .with("Key", req.key()).with("VersionId", v);
            }
        });
    }

    private static S3Exception notImplemented(S3Request req, String message) {
        return new S3Exception(S3ErrorCode.NOT_IMPLEMENTED, message, req.resource());
    }
}
