package io.needlestack.core.account;

/**
 * A bucket cannot be created because the name is taken: by someone else
 * ({@code BucketAlreadyExists}) or by the caller ({@code BucketAlreadyOwnedByYou}), the two
 * S3 answers (both 409).
 */
public final class BucketConflictException extends AccountException {

    private static final long serialVersionUID = 1L;

    /** S3's code when another owner has the name. */
    public static final String ALREADY_EXISTS = "BucketAlreadyExists";
    /** S3's code when the requester already owns the bucket. */
    public static final String ALREADY_OWNED_BY_YOU = "BucketAlreadyOwnedByYou";

    /** Which of the two conflicts. */
    public enum Kind {
        /** Another owner has the name. */
        ALREADY_EXISTS(BucketConflictException.ALREADY_EXISTS),
        /** The requester already owns the bucket. */
        ALREADY_OWNED_BY_YOU(BucketConflictException.ALREADY_OWNED_BY_YOU);

        private final String code;

        Kind(String code) {
            this.code = code;
        }

        /** The S3 error code. */
        public String code() {
            return code;
        }
    }

    private final Kind kind;
    private final String bucket;

    /** A conflict on {@code bucket}. */
    public BucketConflictException(Kind kind, String bucket) {
        super(kind.code(), kind == Kind.ALREADY_EXISTS
                ? "bucket " + bucket + " already exists"
                : "bucket " + bucket + " is already owned by you");
        this.kind = kind;
        this.bucket = bucket;
    }

    /** The conflict from its S3 code, or null when the code is not one of the two. */
    public static BucketConflictException fromCode(String code, String bucket) {
        for (Kind k : Kind.values()) {
            if (k.code().equals(code)) {
                return new BucketConflictException(k, bucket);
            }
        }
        return null;
    }

    /** Which conflict. */
    public Kind kind() {
        return kind;
    }

    /** The bucket name. */
    public String bucket() {
        return bucket;
    }
}
