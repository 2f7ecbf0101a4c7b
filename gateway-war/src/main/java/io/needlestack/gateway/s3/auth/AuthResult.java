package io.needlestack.gateway.s3.auth;

import java.io.InputStream;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The outcome of a successful authentication: who signed the request (nobody, for an anonymous
 * one), how, and how its body must be read.
 */
public final class AuthResult {

    private final AuthMethod method;
    private final AuthPrincipal principal;
    private final PayloadPlan plan;
    private final Optional<String> storedContentEncoding;

    AuthResult(AuthMethod method, AuthPrincipal principal, PayloadPlan plan, Optional<String> storedContentEncoding) {
        this.method = Objects.requireNonNull(method);
        this.principal = principal;
        this.plan = Objects.requireNonNull(plan);
        this.storedContentEncoding = storedContentEncoding;
    }

    /** How the request authenticated. */
    public AuthMethod method() {
        return method;
    }

    /** Whether nobody signed the request. */
    public boolean anonymous() {
        return principal == null;
    }

    /** Who signed the request; empty when anonymous. */
    public Optional<AuthPrincipal> principal() {
        return Optional.ofNullable(principal);
    }

    /** The x-amz-content-sha256 form (NOT_SIGNED for SigV2 and anonymous requests). */
    public PayloadMode payloadMode() {
        return plan.mode();
    }

    /**
     * The length of the object's bytes: {@code x-amz-decoded-content-length} for an aws-chunked
     * body, else Content-Length; empty when neither was sent (chunked transfer encoding).
     */
    public OptionalLong decodedContentLength() {
        return plan.expectedLength() < 0 ? OptionalLong.empty() : OptionalLong.of(plan.expectedLength());
    }

    /** The Content-Encoding to store with the object: the request's without {@code aws-chunked}. */
    public Optional<String> storedContentEncoding() {
        return storedContentEncoding;
    }

    /**
     * The object's bytes, read from the raw request body. Call once per request. The stream
     * decodes aws-chunked and verifies signatures and digests as it goes; see {@link PayloadStream}.
     */
    public PayloadStream payload(InputStream rawBody) {
        return new PayloadStream(Objects.requireNonNull(rawBody, "rawBody"), plan);
    }

    @Override
    public String toString() {
        return "AuthResult[" + method + (principal == null ? "" : " " + principal.accessKeyId()) + " " + plan.mode() + "]";
    }
}
