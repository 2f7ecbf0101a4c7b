package io.needlestack.gateway.s3.auth;

import io.needlestack.gateway.s3.error.S3ErrorCode;
import io.needlestack.gateway.s3.error.S3Exception;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * AWS Signature Version 2 (HMAC-SHA1), header and query string forms. The canonicalized resource
 * starts with {@code /bucket} even when the bucket came from the Host header (virtual-hosted
 * style), then the raw path as sent, then the sub-resources S3 signs.
 */
final class SigV2Verifier {

    /** The query parameters that are part of the canonicalized resource. */
    static final Set<String> SUB_RESOURCES = Set.of(
            "accelerate", "acl", "analytics", "cors", "delete", "encryption", "intelligent-tiering", "inventory",
            "legal-hold", "lifecycle", "location", "logging", "metrics", "notification", "object-lock",
            "ownershipControls", "partNumber", "policy", "policyStatus", "publicAccessBlock", "replication",
            "requestPayment", "response-cache-control", "response-content-disposition",
            "response-content-encoding", "response-content-language", "response-content-type",
            "response-expires", "restore", "retention", "select", "select-type", "tagging", "torrent",
            "uploadId", "uploads", "versionId", "versioning", "versions", "website");

    private final CredentialStore credentials;
    private final Clock clock;

    SigV2Verifier(CredentialStore credentials, Clock clock) {
        this.credentials = credentials;
        this.clock = clock;
    }

    AuthResult verifyHeader(SignedRequest request, String authorization, String virtualHostBucket) {
        String rest = authorization.substring("AWS ".length()).trim();
        int colon = rest.lastIndexOf(':');
        if (colon <= 0 || colon == rest.length() - 1) {
            throw new S3Exception(S3ErrorCode.INVALID_ARGUMENT,
                    "AWS authorization header is invalid.  Expected AwsAccessKeyId:signature");
        }
        String accessKeyId = rest.substring(0, colon).trim();
        String signature = rest.substring(colon + 1).trim();

        String amzDate = request.header("x-amz-date");
        String date = amzDate != null ? amzDate : request.header("date");
        Instant time = AmzDates.parse(date);
        if (time == null) {
            throw new S3Exception(S3ErrorCode.ACCESS_DENIED,
                    "AWS authentication requires a valid Date or x-amz-date header");
        }
        Instant now = clock.instant();
        if (Duration.between(time, now).abs().compareTo(SigV4Verifier.MAX_SKEW) > 0) {
            throw new S3Exception(S3ErrorCode.REQUEST_TIME_TOO_SKEWED, null, null, Map.of(
                    "RequestTime", date, "ServerTime", now.toString(),
                    "MaxAllowedSkewMilliseconds", Long.toString(SigV4Verifier.MAX_SKEW.toMillis())), null);
        }
        Credential credential = lookUp(accessKeyId);
        String first = null;
        for (String resource : canonicalResources(request, virtualHostBucket)) {
            String stringToSign = stringToSign(request, amzDate != null ? "" : date.trim(),
                    canonicalAmzHeaders(request, null), resource);
            first = first == null ? stringToSign : first;
            if (matches(credential, stringToSign, signature)) {
                return result(AuthMethod.SIGV2_HEADER, request, credential);
            }
            // The S3 documentation's own x-amz-date example puts that date in the Date position and
            // leaves it out of the amz headers; some old clients sign it that way too.
            String alternative = amzDate == null ? null : stringToSign(request, amzDate.trim(),
                    canonicalAmzHeaders(request, "x-amz-date"), resource);
            if (alternative != null && matches(credential, alternative, signature)) {
                return result(AuthMethod.SIGV2_HEADER, request, credential);
            }
        }
        throw mismatch(accessKeyId, first, signature);
    }

    AuthResult verifyQuery(SignedRequest request, QueryParams query, String virtualHostBucket) {
        String accessKeyId = query.get("AWSAccessKeyId");
        String signature = query.get("Signature");
        String expires = query.get("Expires");
        if (accessKeyId == null || signature == null || expires == null) {
            throw new S3Exception(S3ErrorCode.ACCESS_DENIED,
                    "Query-string authentication requires the Signature, Expires and AWSAccessKeyId parameters");
        }
        long expiresAt;
        try {
            expiresAt = Long.parseLong(expires.trim());
        } catch (NumberFormatException e) {
            throw new S3Exception(S3ErrorCode.ACCESS_DENIED, "Invalid date (should be seconds since epoch): " + expires);
        }
        Instant now = clock.instant();
        if (now.getEpochSecond() > expiresAt) {
            throw new S3Exception(S3ErrorCode.ACCESS_DENIED, "Request has expired", null, Map.of(
                    "Expires", Instant.ofEpochSecond(expiresAt).toString(), "ServerTime", now.toString()), null);
        }
        Credential credential = lookUp(accessKeyId);
        String first = null;
        for (String resource : canonicalResources(request, virtualHostBucket)) {
            String stringToSign = stringToSign(request, expires.trim(), canonicalAmzHeaders(request, null), resource);
            first = first == null ? stringToSign : first;
            if (matches(credential, stringToSign, signature)) {
                return result(AuthMethod.SIGV2_QUERY, request, credential);
            }
        }
        throw mismatch(accessKeyId, first, signature);
    }

    private static AuthResult result(AuthMethod method, SignedRequest request, Credential credential) {
        return new AuthResult(method, AuthPrincipal.of(credential), Authenticator.unsignedPlan(request),
                ContentEncodings.stored(request.headers("content-encoding")));
    }

    private static boolean matches(Credential credential, String stringToSign, String provided) {
        String expected = Base64.getEncoder().encodeToString(
                Crypto.hmacSha1(credential.secretKey().getBytes(StandardCharsets.UTF_8), stringToSign));
        return Crypto.constantTimeEquals(expected, provided);
    }

    private static S3Exception mismatch(String accessKeyId, String stringToSign, String provided) {
        Map<String, String> details = new LinkedHashMap<>();
        details.put("AWSAccessKeyId", accessKeyId);
        details.put("StringToSign", stringToSign);
        details.put("SignatureProvided", provided);
        return new S3Exception(S3ErrorCode.SIGNATURE_DOES_NOT_MATCH, null, null, details, null);
    }

    private Credential lookUp(String accessKeyId) {
        return credentials.find(accessKeyId).orElseThrow(() -> new S3Exception(S3ErrorCode.INVALID_ACCESS_KEY_ID,
                null, null, Map.of("AWSAccessKeyId", accessKeyId), null));
    }

    static String stringToSign(SignedRequest request, String date, String amzHeaders, String resource) {
        return request.method() + "\n" + first(request, "content-md5") + "\n" + first(request, "content-type") + "\n"
                + date + "\n" + amzHeaders + resource;
    }

    private static String first(SignedRequest request, String name) {
        String v = request.header(name);
        return v == null ? "" : v.trim();
    }

    /** Every x-amz-* header but {@code excluded}, sorted, as {@code name:v1,v2\n}. */
    static String canonicalAmzHeaders(SignedRequest request, String excluded) {
        TreeMap<String, List<String>> amz = new TreeMap<>();
        for (String name : request.headerNames()) {
            String lower = name.toLowerCase(Locale.ROOT);
            if (lower.startsWith("x-amz-") && !lower.equals(excluded)) {
                List<String> values = amz.computeIfAbsent(lower, k -> new ArrayList<>());
                for (String v : request.headers(lower)) {
                    values.add(v.replaceAll("\\s*\\r?\\n\\s*", " ").trim());
                }
            }
        }
        StringBuilder out = new StringBuilder();
        amz.forEach((name, values) -> out.append(name).append(':').append(String.join(",", values)).append('\n'));
        return out.toString();
    }

    /**
     * The resources a client may have signed: S3's, and for a path-style request on a bucket alone
     * ({@code /bucket}) also {@code /bucket/}, the resource of the same request made virtual-host
     * style. botocore signs that form for every bucket request (boto3's presigned ListObjects URLs
     * were refused), and S3 accepts both.
     */
    static List<String> canonicalResources(SignedRequest request, String virtualHostBucket) {
        String primary = canonicalResource(request, virtualHostBucket);
        String path = request.rawPath();
        if ((virtualHostBucket == null || virtualHostBucket.isEmpty()) && path != null && path.length() > 1
                && path.indexOf('/', 1) < 0) {
            int q = primary.indexOf('?');
            return List.of(primary, q < 0 ? primary + "/" : primary.substring(0, q) + "/" + primary.substring(q));
        }
        return List.of(primary);
    }

    /** {@code [/bucket]} + raw path + {@code ?sub-resources} sorted, values decoded. */
    static String canonicalResource(SignedRequest request, String virtualHostBucket) {
        String path = request.rawPath() == null || request.rawPath().isEmpty() ? "/" : request.rawPath();
        StringBuilder out = new StringBuilder();
        if (virtualHostBucket != null && !virtualHostBucket.isEmpty()) {
            out.append('/').append(virtualHostBucket);
        }
        out.append(path);
        TreeMap<String, String> subs = new TreeMap<>();
        for (QueryParams.Param p : QueryParams.parse(request.rawQuery()).all()) {
            if (SUB_RESOURCES.contains(p.name())) {
                subs.putIfAbsent(p.name(), p.value());
            }
        }
        char sep = '?';
        for (Map.Entry<String, String> e : subs.entrySet()) {
            out.append(sep).append(e.getKey());
            if (!e.getValue().isEmpty()) {
                out.append('=').append(e.getValue());
            }
            sep = '&';
        }
        return out.toString();
    }
}
