package io.needlestack.gateway.s3.auth;

import io.needlestack.gateway.s3.error.S3ErrorCode;
import io.needlestack.gateway.s3.error.S3Exception;

import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What the body must satisfy, worked out from the headers before the body is read, so that a
 * malformed declaration fails the request before a byte is stored.
 *
 * @param mode              the x-amz-content-sha256 form
 * @param chunkSigner       the chain of chunk signatures, for the signed streaming forms
 * @param expectedLength    the decoded length, or -1 when not declared
 * @param expectedSha256    the signed hex SHA-256, or null
 * @param expectedMd5       the Content-MD5 digest, or null
 * @param checksumAlgorithm the x-amz-checksum-* to verify (header or trailer), or null
 * @param headerChecksum    its value when sent as a header; null when it comes in the trailer
 */
record PayloadPlan(PayloadMode mode, ChunkSigner chunkSigner, long expectedLength, String expectedSha256,
                   byte[] expectedMd5, ChecksumAlgorithm checksumAlgorithm, String headerChecksum) {

    static final String UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD";
    static final String STREAMING_SIGNED = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD";
    static final String STREAMING_SIGNED_TRAILER = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER";
    static final String STREAMING_UNSIGNED_TRAILER = "STREAMING-UNSIGNED-PAYLOAD-TRAILER";

    /** The payload mode an x-amz-content-sha256 value stands for (a hex digest is SIGNED_SHA256). */
    static PayloadMode modeOf(String contentSha256) {
        switch (contentSha256) {
            case UNSIGNED_PAYLOAD:
                return PayloadMode.UNSIGNED;
            case STREAMING_SIGNED:
                return PayloadMode.STREAMING_SIGNED;
            case STREAMING_SIGNED_TRAILER:
                return PayloadMode.STREAMING_SIGNED_TRAILER;
            case STREAMING_UNSIGNED_TRAILER:
                return PayloadMode.STREAMING_UNSIGNED_TRAILER;
            default:
                if (isSha256Hex(contentSha256)) {
                    return PayloadMode.SIGNED_SHA256;
                }
                throw new S3Exception(S3ErrorCode.INVALID_ARGUMENT,
                        "x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-UNSIGNED-PAYLOAD-TRAILER, "
                                + "STREAMING-AWS4-HMAC-SHA256-PAYLOAD, STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER "
                                + "or a valid sha256 value.",
                        null, Map.of("ArgumentName", "x-amz-content-sha256", "ArgumentValue", contentSha256), null);
        }
    }

    /**
     * Builds the plan from the request's headers.
     *
     * @param contentSha256 the signed hex digest for SIGNED_SHA256, else ignored
     */
    static PayloadPlan of(SignedRequest request, PayloadMode mode, String contentSha256, ChunkSigner signer) {
        long length = -1;
        if (mode.awsChunked()) {
            String decoded = request.header("x-amz-decoded-content-length");
            if (decoded == null) {
                throw new S3Exception(S3ErrorCode.MISSING_CONTENT_LENGTH,
                        "You must provide the x-amz-decoded-content-length header with an aws-chunked body.");
            }
            length = parseLength(decoded, "x-amz-decoded-content-length");
        } else {
            String contentLength = request.header("content-length");
            if (contentLength != null && request.header("transfer-encoding") == null) {
                length = parseLength(contentLength, "Content-Length");
            }
        }

        byte[] md5 = null;
        String contentMd5 = request.header("content-md5");
        if (contentMd5 != null) {
            md5 = decodeBase64(contentMd5.trim());
            if (md5 == null || md5.length != 16) {
                throw new S3Exception(S3ErrorCode.INVALID_DIGEST);
            }
        }

        ChecksumAlgorithm algorithm = null;
        String headerValue = null;
        for (ChecksumAlgorithm a : ChecksumAlgorithm.values()) {
            String v = request.header(a.headerName());
            if (v != null) {
                if (algorithm != null) {
                    throw multipleChecksums();
                }
                if (decodeChecksum(a, v) == null) {
                    throw new S3Exception(S3ErrorCode.INVALID_REQUEST, "Value for " + a.headerName() + " header is invalid.");
                }
                algorithm = a;
                headerValue = v.trim();
            }
        }
        if (mode.hasTrailer()) {
            List<String> declared = request.headers("x-amz-trailer");
            for (String value : declared == null ? List.<String>of() : declared) {
                for (String name : value.split(",")) {
                    if (name.isBlank()) {
                        continue;
                    }
                    ChecksumAlgorithm a = ChecksumAlgorithm.fromHeaderName(name).orElseThrow(() ->
                            new S3Exception(S3ErrorCode.INVALID_REQUEST,
                                    "The value specified in the x-amz-trailer header is not supported"));
                    if (algorithm != null) {
                        throw multipleChecksums();
                    }
                    algorithm = a;
                }
            }
        }
        String sha = mode == PayloadMode.SIGNED_SHA256 ? contentSha256.toLowerCase(Locale.ROOT) : null;
        return new PayloadPlan(mode, signer, length, sha, md5, algorithm, headerValue);
    }

    private static S3Exception multipleChecksums() {
        return new S3Exception(S3ErrorCode.INVALID_REQUEST,
                "Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.");
    }

    private static long parseLength(String value, String header) {
        try {
            long v = Long.parseLong(value.trim());
            if (v >= 0) {
                return v;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw new S3Exception(S3ErrorCode.INVALID_ARGUMENT, "Invalid " + header + ": " + value, null,
                Map.of("ArgumentName", header), null);
    }

    /** The digest a checksum value carries, or null when it is not base64 of the right length. */
    static byte[] decodeChecksum(ChecksumAlgorithm algorithm, String value) {
        byte[] bytes = decodeBase64(value.trim());
        return bytes != null && bytes.length == algorithm.length() ? bytes : null;
    }

    private static byte[] decodeBase64(String value) {
        try {
            return Base64.getDecoder().decode(value);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** 64 hexadecimal digits (a loop: a stream here cost a measurable share of a small request). */
    private static boolean isSha256Hex(String s) {
        if (s.length() != 64) {
            return false;
        }
        for (int i = 0; i < 64; i++) {
            if (Character.digit(s.charAt(i), 16) < 0) {
                return false;
            }
        }
        return true;
    }
}
