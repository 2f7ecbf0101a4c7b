package io.needlestack.storage.store;

/**
 * What a needle holds. Each kind is its own sorted namespace in the index, so a listing of
 * objects never walks over chunks or multipart state.
 */
public enum NeedleKind {
    /** An S3 object version: inline data, or a manifest of chunks (metadata says which). */
    OBJECT((byte) 'O'),
    /** One chunk of a large object or of a multipart part; its name is unique per version. */
    CHUNK((byte) 'C'),
    /** A multipart upload in progress (created by CreateMultipartUpload). */
    UPLOAD((byte) 'U'),
    /** One uploaded part of a multipart upload: a manifest of the part's chunks. */
    PART((byte) 'P');

    private final byte code;

    NeedleKind(byte code) {
        this.code = code;
    }

    /** The byte that stands for this kind on disk and in index keys. */
    public byte code() {
        return code;
    }

    /** The kind for an on-disk code. */
    public static NeedleKind ofCode(byte code) {
        for (NeedleKind k : values()) {
            if (k.code == code) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown needle kind code " + code);
    }
}
