package io.needlestack.gateway.s3.auth;

import java.util.Locale;

/**
 * The chain of aws-chunked signatures: each chunk's signature covers the previous one (the first
 * covers the request's seed signature), so chunks can be neither altered, dropped nor reordered;
 * the trailer's signature continues the chain from the final, empty chunk.
 */
final class ChunkSigner {

    private final byte[] signingKey;
    private final String timestamp;
    private final String scope;
    private String previous;

    ChunkSigner(byte[] signingKey, String timestamp, String scope, String seedSignature) {
        this.signingKey = signingKey.clone();
        this.timestamp = timestamp;
        this.scope = scope;
        this.previous = seedSignature;
    }

    /** Checks a chunk's signature against the SHA-256 of its data, and advances the chain. */
    boolean verifyChunk(byte[] dataSha256, String provided) {
        String stringToSign = "AWS4-HMAC-SHA256-PAYLOAD\n" + timestamp + "\n" + scope + "\n" + previous + "\n"
                + Crypto.EMPTY_SHA256 + "\n" + Crypto.hex(dataSha256);
        return advance(stringToSign, provided);
    }

    /**
     * Checks the trailer signature.
     *
     * @param canonicalTrailer each trailing header as {@code name:value\n}, in the order sent
     */
    boolean verifyTrailer(String canonicalTrailer, String provided) {
        String stringToSign = "AWS4-HMAC-SHA256-TRAILER\n" + timestamp + "\n" + scope + "\n" + previous + "\n"
                + Crypto.sha256Hex(canonicalTrailer);
        return advance(stringToSign, provided);
    }

    private boolean advance(String stringToSign, String provided) {
        String expected = Crypto.hex(Crypto.hmacSha256(signingKey, stringToSign));
        if (provided == null || !Crypto.constantTimeEquals(expected, provided.toLowerCase(Locale.ROOT))) {
            return false;
        }
        previous = expected;
        return true;
    }
}
