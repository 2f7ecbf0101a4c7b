package io.needlestack.storage.store;

import java.util.Objects;

/**
 * Identifies a needle's logical name: kind, bucket and name. Versions of the same key share a
 * {@code NeedleKey}; the index orders them newest first.
 *
 * @param kind   the namespace
 * @param bucket the bucket name
 * @param name   the S3 key for {@link NeedleKind#OBJECT}; for other kinds a name composed by the
 *               caller (e.g. {@code key + "\n" + versionId + "\n" + chunkIndex}), opaque here
 */
public record NeedleKey(NeedleKind kind, String bucket, String name) implements java.io.Serializable {
    public NeedleKey {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(bucket, "bucket");
        Objects.requireNonNull(name, "name");
    }

    /** The key of an S3 object. */
    public static NeedleKey object(String bucket, String key) {
        return new NeedleKey(NeedleKind.OBJECT, bucket, key);
    }
}
