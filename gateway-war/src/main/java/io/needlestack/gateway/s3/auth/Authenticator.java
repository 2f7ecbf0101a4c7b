package io.needlestack.gateway.s3.auth;

import io.needlestack.gateway.s3.error.S3ErrorCode;
import io.needlestack.gateway.s3.error.S3Exception;

import java.time.Clock;
import java.util.Objects;

/**
 * Authenticates S3 requests: SigV4 (Authorization header or presigned URL), SigV2 (header or
 * query string), or none (anonymous). Thread-safe; one instance serves the whole gateway, since it
 * caches derived SigV4 signing keys.
 *
 * <p>Typical use by a JAX-RS resource, for a PUT with a body:
 * <pre>{@code
 * AuthResult auth = authenticator.authenticate(signedRequest, virtualHostBucket); // S3Exception on failure
 * try (PayloadStream body = auth.payload(servletInputStream)) {
 *     store(bucket, key, body, auth.decodedContentLength(), auth.storedContentEncoding(), ...);
 *     body.verifyComplete();                 // no-op when the store read to the end
 *     body.checksum();                       // the verified x-amz-checksum-*, to keep and return
 * } catch (S3PayloadException e) {
 *     throw e.toS3Exception();               // discard what was stored
 * }
 * }</pre>
 */
public final class Authenticator {

    private final SigV4Verifier sigV4;
    private final SigV2Verifier sigV2;

    /**
     * @param credentials where access keys are looked up
     * @param region      the region SigV4 credential scopes must name; null accepts any region
     * @param clock       the time requests are checked against
     */
    public Authenticator(CredentialStore credentials, String region, Clock clock) {
        Objects.requireNonNull(credentials, "credentials");
        Objects.requireNonNull(clock, "clock");
        this.sigV4 = new SigV4Verifier(credentials, new SigningKeyCache(10_000), region, clock);
        this.sigV2 = new SigV2Verifier(credentials, clock);
    }

    /**
     * Checks who sent the request. The body is not read: its checks happen while it is read
     * through {@link AuthResult#payload}.
     *
     * @param request           the request as received
     * @param virtualHostBucket the bucket named by the Host header (virtual-hosted style), or null
     *                          for path-style requests; SigV2 signs it as the resource's first segment
     * @throws S3Exception when the request cannot be authenticated or its declarations are malformed
     */
    public AuthResult authenticate(SignedRequest request, String virtualHostBucket) {
        String authorization = request.header("authorization");
        QueryParams query = QueryParams.parse(request.rawQuery());
        boolean v4Query = query.has("X-Amz-Algorithm") || query.has("X-Amz-Credential")
                || query.has("X-Amz-Signature");
        boolean v2Query = query.has("AWSAccessKeyId") || (query.has("Signature") && query.has("Expires"));
        if (authorization != null && (v4Query || v2Query)) {
            throw new S3Exception(S3ErrorCode.INVALID_ARGUMENT,
                    "Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query "
                            + "string parameter or the Authorization header should be specified");
        }
        if (authorization != null) {
            String trimmed = authorization.trim();
            if (trimmed.startsWith(SigV4Verifier.ALGORITHM + " ")) {
                return sigV4.verifyHeader(request, trimmed);
            }
            if (trimmed.startsWith("AWS ")) {
                return sigV2.verifyHeader(request, trimmed, virtualHostBucket);
            }
            throw new S3Exception(S3ErrorCode.INVALID_ARGUMENT, "Unsupported Authorization Type");
        }
        if (v4Query) {
            return sigV4.verifyPresigned(request, query);
        }
        if (v2Query) {
            return sigV2.verifyQuery(request, query, virtualHostBucket);
        }
        return new AuthResult(AuthMethod.ANONYMOUS, null, unsignedPlan(request),
                ContentEncodings.stored(request.headers("content-encoding")));
    }

    /**
     * The body checks of a request whose signature does not cover the body (SigV2, anonymous):
     * Content-MD5 and checksums still apply, and an unsigned aws-chunked body is still decoded.
     */
    static PayloadPlan unsignedPlan(SignedRequest request) {
        String contentSha256 = request.header("x-amz-content-sha256");
        if (contentSha256 != null && contentSha256.trim().equals(PayloadPlan.STREAMING_UNSIGNED_TRAILER)) {
            return PayloadPlan.of(request, PayloadMode.STREAMING_UNSIGNED_TRAILER, null, null);
        }
        if (contentSha256 != null && contentSha256.trim().startsWith("STREAMING-")) {
            throw new S3Exception(S3ErrorCode.INVALID_REQUEST,
                    "A signed aws-chunked payload requires AWS Signature Version 4 in the Authorization header.");
        }
        return PayloadPlan.of(request, PayloadMode.NOT_SIGNED, null, null);
    }
}
