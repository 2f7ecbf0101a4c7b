package io.needlestack.gateway.s3.auth;

/**
 * What the signature says about the body, i.e. the {@code x-amz-content-sha256} form of a SigV4
 * request; SigV2 and anonymous requests do not sign the body.
 */
public enum PayloadMode {
    /** The body is not covered by the signature (SigV2, anonymous). */
    NOT_SIGNED,
    /** {@code UNSIGNED-PAYLOAD} (always the case for presigned URLs). */
    UNSIGNED,
    /** A hex SHA-256 of the body, checked when the body has been read. */
    SIGNED_SHA256,
    /** {@code STREAMING-AWS4-HMAC-SHA256-PAYLOAD}: aws-chunked with chained chunk signatures. */
    STREAMING_SIGNED,
    /** {@code STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER}: as above plus signed trailing headers. */
    STREAMING_SIGNED_TRAILER,
    /** {@code STREAMING-UNSIGNED-PAYLOAD-TRAILER}: aws-chunked without signatures, with trailing headers. */
    STREAMING_UNSIGNED_TRAILER;

    /** Whether the body on the wire is aws-chunked and must be decoded. */
    public boolean awsChunked() {
        return this == STREAMING_SIGNED || this == STREAMING_SIGNED_TRAILER || this == STREAMING_UNSIGNED_TRAILER;
    }

    /** Whether trailing headers follow the last chunk. */
    public boolean hasTrailer() {
        return this == STREAMING_SIGNED_TRAILER || this == STREAMING_UNSIGNED_TRAILER;
    }

    /** Whether each chunk (and the trailer) carries a signature. */
    public boolean chunkSigned() {
        return this == STREAMING_SIGNED || this == STREAMING_SIGNED_TRAILER;
    }
}
