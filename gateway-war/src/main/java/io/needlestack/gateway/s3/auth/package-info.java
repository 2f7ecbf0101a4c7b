/**
 * S3 request authentication: AWS Signature Version 4 (Authorization header and presigned URLs,
 * every {@code x-amz-content-sha256} form including {@code aws-chunked} bodies with chunk and
 * trailer signatures) and Signature Version 2 (header and query string), plus the verification
 * of the body against what the client declared (SHA-256, Content-MD5, {@code x-amz-checksum-*}).
 *
 * <p>Pure Java: the JAX-RS layer adapts its request to {@link io.needlestack.gateway.s3.auth.SignedRequest},
 * calls {@link io.needlestack.gateway.s3.auth.Authenticator#authenticate}, and reads the body through
 * {@link io.needlestack.gateway.s3.auth.AuthResult#payload}. Failures are
 * {@link io.needlestack.gateway.s3.error.S3Exception}s (before the body) and
 * {@link io.needlestack.gateway.s3.auth.S3PayloadException}s (while reading it).
 */
package io.needlestack.gateway.s3.auth;
