package io.needlestack.gateway.s3.auth;

/** How a request proved who sent it. */
public enum AuthMethod {
    /** No signature at all: only public resources may be served. */
    ANONYMOUS,
    /** {@code Authorization: AWS AccessKey:Signature}. */
    SIGV2_HEADER,
    /** {@code ?AWSAccessKeyId=&Expires=&Signature=}. */
    SIGV2_QUERY,
    /** {@code Authorization: AWS4-HMAC-SHA256 ...}. */
    SIGV4_HEADER,
    /** A presigned URL ({@code X-Amz-Algorithm=AWS4-HMAC-SHA256&...}). */
    SIGV4_QUERY
}
