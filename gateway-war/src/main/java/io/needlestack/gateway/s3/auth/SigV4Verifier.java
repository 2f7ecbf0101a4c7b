package io.needlestack.gateway.s3.auth;

import io.needlestack.gateway.s3.error.S3ErrorCode;
import io.needlestack.gateway.s3.error.S3Exception;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * AWS Signature Version 4 as S3 checks it: the canonical URI is the path exactly as sent (S3
 * neither normalises it nor encodes it twice, unlike the generic AWS test suite), the canonical
 * query is every parameter decoded, UriEncoded and sorted, and the payload hash is whatever
 * x-amz-content-sha256 says.
 */
final class SigV4Verifier {

    static final String ALGORITHM = "AWS4-HMAC-SHA256";
    static final long MAX_PRESIGN_EXPIRES = 604800;
    static final Duration MAX_SKEW = Duration.ofMinutes(15);

    private final CredentialStore credentials;
    private final SigningKeyCache keys;
    private final String region;
    private final Clock clock;

    SigV4Verifier(CredentialStore credentials, SigningKeyCache keys, String region, Clock clock) {
        this.credentials = credentials;
        this.keys = keys;
        this.region = region;
        this.clock = clock;
    }

    /** What an Authorization header or a presigned query carries. */
    private record Parsed(String accessKeyId, String date, String region, String service, String terminal,
                          List<String> signedHeaders, String signature) {
        String scope() {
            return date + "/" + region + "/" + service + "/" + terminal;
        }
    }

    AuthResult verifyHeader(SignedRequest request, String authorization) {
        Parsed p = parseHeader(authorization);
        checkScope(p, false);

        String amzDate = request.header("x-amz-date");
        String dateValue = amzDate != null ? amzDate : request.header("date");
        Instant time = AmzDates.parse(dateValue);
        if (time == null) {
            throw new S3Exception(S3ErrorCode.ACCESS_DENIED,
                    "AWS authentication requires a valid Date or x-amz-date header");
        }
        String timestamp = AmzDates.isoBasic(time);
        if (!timestamp.startsWith(p.date())) {
            throw new S3Exception(S3ErrorCode.AUTHORIZATION_HEADER_MALFORMED,
                    "The authorization header is malformed; Invalid credential date. Date is not the same as X-Amz-Date.");
        }
        Instant now = clock.instant();
        if (Duration.between(time, now).abs().compareTo(MAX_SKEW) > 0) {
            throw new S3Exception(S3ErrorCode.REQUEST_TIME_TOO_SKEWED, null, null, Map.of(
                    "RequestTime", dateValue, "ServerTime", now.toString(),
                    "MaxAllowedSkewMilliseconds", Long.toString(MAX_SKEW.toMillis())), null);
        }

        String contentSha256 = request.header("x-amz-content-sha256");
        if (contentSha256 == null) {
            throw new S3Exception(S3ErrorCode.INVALID_REQUEST,
                    "Missing required header for this request: x-amz-content-sha256");
        }
        contentSha256 = contentSha256.trim();
        PayloadMode mode = PayloadPlan.modeOf(contentSha256);
        checkSignedHeaders(request, p.signedHeaders(), Set.of("x-amz-content-sha256"));

        Credential credential = lookUp(p.accessKeyId());
        byte[] key = keys.signingKey(credential, p.date(), p.region(), p.service());
        String canonicalQuery = canonicalQuery(QueryParams.parse(request.rawQuery()), null);
        String signature = verify(request, p, key, timestamp, canonicalQuery, contentSha256);

        ChunkSigner signer = mode.chunkSigned() ? new ChunkSigner(key, timestamp, p.scope(), signature) : null;
        PayloadPlan plan = PayloadPlan.of(request, mode, contentSha256, signer);
        return new AuthResult(AuthMethod.SIGV4_HEADER, AuthPrincipal.of(credential), plan,
                ContentEncodings.stored(request.headers("content-encoding")));
    }

    AuthResult verifyPresigned(SignedRequest request, QueryParams query) {
        String algorithm = query.get("X-Amz-Algorithm");
        String credentialParam = query.get("X-Amz-Credential");
        String amzDate = query.get("X-Amz-Date");
        String expiresParam = query.get("X-Amz-Expires");
        String signedHeadersParam = query.get("X-Amz-SignedHeaders");
        String signature = query.get("X-Amz-Signature");
        if (algorithm == null || credentialParam == null || amzDate == null || expiresParam == null
                || signedHeadersParam == null || signature == null) {
            throw queryError("Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, "
                    + "X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.");
        }
        if (!ALGORITHM.equals(algorithm)) {
            throw queryError("X-Amz-Algorithm only supports \"AWS4-HMAC-SHA256\"");
        }
        Parsed p = parseCredential(credentialParam, true, splitSignedHeaders(signedHeadersParam, true), signature);
        checkScope(p, true);
        Instant time = AmzDates.parseIsoBasic(amzDate);
        if (time == null) {
            throw queryError("X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\"");
        }
        if (!amzDate.startsWith(p.date())) {
            throw queryError("Invalid credential date. Date is not the same as X-Amz-Date.");
        }
        long expires;
        try {
            expires = Long.parseLong(expiresParam);
        } catch (NumberFormatException e) {
            throw queryError("X-Amz-Expires should be a number");
        }
        if (expires < 0) {
            throw queryError("X-Amz-Expires must be non-negative");
        }
        if (expires > MAX_PRESIGN_EXPIRES) {
            throw queryError("X-Amz-Expires must be less than a week (in seconds) that is, "
                    + "the given X-Amz-Expires must be less than 604800 seconds");
        }
        Instant now = clock.instant();
        if (time.isAfter(now.plus(MAX_SKEW))) {
            throw new S3Exception(S3ErrorCode.ACCESS_DENIED, "Request is not valid yet");
        }
        Instant expiry = time.plusSeconds(expires);
        if (now.isAfter(expiry)) {
            throw new S3Exception(S3ErrorCode.ACCESS_DENIED, "Request has expired", null, Map.of(
                    "X-Amz-Expires", expiresParam, "Expires", expiry.toString(), "ServerTime", now.toString()), null);
        }
        // Query parameters are signed anyway; only headers can be added behind the signer's back.
        checkSignedHeaders(request, p.signedHeaders(), Set.of("x-amz-content-sha256"));

        String payloadHash = query.get("X-Amz-Content-Sha256");
        if (payloadHash == null) {
            payloadHash = PayloadPlan.UNSIGNED_PAYLOAD;
        }
        PayloadMode mode = PayloadPlan.modeOf(payloadHash);
        if (mode.awsChunked()) {
            throw queryError("Presigned requests cannot carry an aws-chunked payload");
        }
        Credential credential = lookUp(p.accessKeyId());
        byte[] key = keys.signingKey(credential, p.date(), p.region(), p.service());
        verify(request, p, key, amzDate, canonicalQuery(query, "X-Amz-Signature"), payloadHash);

        PayloadPlan plan = PayloadPlan.of(request, mode, payloadHash, null);
        return new AuthResult(AuthMethod.SIGV4_QUERY, AuthPrincipal.of(credential), plan,
                ContentEncodings.stored(request.headers("content-encoding")));
    }

    /**
     * Checks the signature over the raw path; if that fails and the path's encoding is not
     * canonical (a client sent a character raw but signed it encoded, or the reverse), over the
     * canonical encoding of the same decoded path, which names the same object.
     *
     * @return the signature, which seeds the chunk signatures
     */
    private String verify(SignedRequest request, Parsed p, byte[] key, String timestamp, String canonicalQuery,
                          String payloadHash) {
        String rawPath = request.rawPath() == null || request.rawPath().isEmpty() ? "/" : request.rawPath();
        String provided = p.signature().toLowerCase(Locale.ROOT);
        String canonicalHeaders = canonicalHeaders(request, p.signedHeaders());
        String signedHeaders = String.join(";", p.signedHeaders());

        String canonicalRequest = canonicalRequest(request.method(), rawPath, canonicalQuery, canonicalHeaders,
                signedHeaders, payloadHash);
        String stringToSign = stringToSign(timestamp, p.scope(), canonicalRequest);
        String expected = Crypto.hex(Crypto.hmacSha256(key, stringToSign));
        if (Crypto.constantTimeEquals(expected, provided)) {
            return expected;
        }
        String normalised = UriEncoding.normalisedPath(rawPath);
        if (!normalised.equals(rawPath)) {
            String other = stringToSign(timestamp, p.scope(), canonicalRequest(request.method(), normalised,
                    canonicalQuery, canonicalHeaders, signedHeaders, payloadHash));
            String otherExpected = Crypto.hex(Crypto.hmacSha256(key, other));
            if (Crypto.constantTimeEquals(otherExpected, provided)) {
                return otherExpected;
            }
        }
        Map<String, String> details = new LinkedHashMap<>();
        details.put("AWSAccessKeyId", p.accessKeyId());
        details.put("StringToSign", stringToSign);
        details.put("SignatureProvided", p.signature());
        details.put("CanonicalRequest", canonicalRequest);
        throw new S3Exception(S3ErrorCode.SIGNATURE_DOES_NOT_MATCH, null, null, details, null);
    }

    static String canonicalRequest(String method, String canonicalUri, String canonicalQuery,
                                   String canonicalHeaders, String signedHeaders, String payloadHash) {
        return method + "\n" + canonicalUri + "\n" + canonicalQuery + "\n" + canonicalHeaders + "\n"
                + signedHeaders + "\n" + payloadHash;
    }

    static String stringToSign(String timestamp, String scope, String canonicalRequest) {
        return ALGORITHM + "\n" + timestamp + "\n" + scope + "\n" + Crypto.sha256Hex(canonicalRequest);
    }

    /** Every parameter but the signature, names and values UriEncoded, sorted by name then value. */
    static String canonicalQuery(QueryParams query, String excluded) {
        List<String[]> pairs = new ArrayList<>();
        for (QueryParams.Param param : query.all()) {
            if (param.name().equals(excluded)) {
                continue;
            }
            pairs.add(new String[] {UriEncoding.encode(param.name(), false), UriEncoding.encode(param.value(), false)});
        }
        pairs.sort(Comparator.<String[], String>comparing(a -> a[0]).thenComparing(a -> a[1]));
        StringBuilder out = new StringBuilder();
        for (String[] pair : pairs) {
            if (out.length() > 0) {
                out.append('&');
            }
            out.append(pair[0]).append('=').append(pair[1]);
        }
        return out.toString();
    }

    /** Each signed header as {@code name:value\n}, repeated values joined by commas, spaces folded. */
    static String canonicalHeaders(SignedRequest request, List<String> signedHeaders) {
        StringBuilder out = new StringBuilder();
        for (String name : signedHeaders) {
            List<String> values = request.headers(name);
            out.append(name).append(':');
            if (values != null) {
                for (int i = 0; i < values.size(); i++) {
                    if (i > 0) {
                        out.append(',');
                    }
                    appendFolded(out, values.get(i));
                }
            }
            out.append('\n');
        }
        return out.toString();
    }

    /**
     * Appends a header value trimmed ({@link String#trim}), each run of white space inside it as
     * one space (what the regular expression {@code \s+} matched; done by hand, as compiling it
     * per header was a measured share of a small request).
     */
    static void appendFolded(StringBuilder out, String value) {
        String v = value.trim();
        boolean inSpace = false;
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (isSpace(c)) {
                inSpace = true;
            } else {
                if (inSpace) {
                    out.append(' ');
                    inSpace = false;
                }
                out.append(c);
            }
        }
    }

    /** What {@code \s} matches: space, tab, newline, vertical tab, form feed, carriage return. */
    private static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == 0x0B || c == '\f' || c == '\r';
    }

    /**
     * Host must be signed, and so must every x-amz-* header present (but the exempt ones): an
     * unsigned x-amz-* header could change what the request does (ACL, copy source, metadata).
     */
    private static void checkSignedHeaders(SignedRequest request, List<String> signedHeaders, Set<String> exempt) {
        Set<String> notSigned = new TreeSet<>();
        if (!signedHeaders.contains("host")) {
            notSigned.add("host");
        }
        for (String name : request.headerNames()) {
            String lower = name.toLowerCase(Locale.ROOT);
            if (lower.startsWith("x-amz-") && !exempt.contains(lower) && !signedHeaders.contains(lower)) {
                notSigned.add(lower);
            }
        }
        if (!notSigned.isEmpty()) {
            throw new S3Exception(S3ErrorCode.ACCESS_DENIED,
                    "There were headers present in the request which were not signed", null,
                    Map.of("HeadersNotSigned", String.join(", ", notSigned)), null);
        }
    }

    private Credential lookUp(String accessKeyId) {
        return credentials.find(accessKeyId).orElseThrow(() -> new S3Exception(S3ErrorCode.INVALID_ACCESS_KEY_ID,
                null, null, Map.of("AWSAccessKeyId", accessKeyId), null));
    }

    private void checkScope(Parsed p, boolean query) {
        String prefix = query ? "Error parsing the X-Amz-Credential parameter; "
                : "The authorization header is malformed; ";
        if (region != null && !region.equals(p.region())) {
            throw scopeError(query, prefix + "the region '" + p.region() + "' is wrong; expecting '" + region + "'",
                    Map.of("Region", region));
        }
        if (!"s3".equals(p.service())) {
            throw scopeError(query, prefix + "incorrect service \"" + p.service()
                    + "\". This endpoint belongs to \"s3\".", Map.of());
        }
        if (!"aws4_request".equals(p.terminal())) {
            throw scopeError(query, prefix + "incorrect terminal \"" + p.terminal()
                    + "\". This endpoint uses \"aws4_request\".", Map.of());
        }
        if (!isEightDigits(p.date())) {
            throw scopeError(query, prefix + "incorrect date format \"" + p.date()
                    + "\". This date in the credential must be in the format \"yyyyMMdd\".", Map.of());
        }
    }

    private static boolean isEightDigits(String date) {
        if (date.length() != 8) {
            return false;
        }
        for (int i = 0; i < 8; i++) {
            if (!Character.isDigit(date.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private static S3Exception scopeError(boolean query, String message, Map<String, String> details) {
        return new S3Exception(query ? S3ErrorCode.AUTHORIZATION_QUERY_PARAMETERS_ERROR
                : S3ErrorCode.AUTHORIZATION_HEADER_MALFORMED, message, null, details, null);
    }

    private static S3Exception queryError(String message) {
        return new S3Exception(S3ErrorCode.AUTHORIZATION_QUERY_PARAMETERS_ERROR, message);
    }

    private static S3Exception headerError(String message) {
        return new S3Exception(S3ErrorCode.AUTHORIZATION_HEADER_MALFORMED,
                "The authorization header is malformed; " + message);
    }

    /** {@code AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...}. */
    static Parsed parseHeader(String authorization) {
        String rest = authorization.substring(ALGORITHM.length()).trim();
        String credential = null;
        String signedHeaders = null;
        String signature = null;
        for (String part : rest.split(",")) {
            String item = part.trim();
            int eq = item.indexOf('=');
            if (eq <= 0) {
                throw headerError("the authorization component \"" + item + "\" is malformed.");
            }
            String name = item.substring(0, eq).trim();
            String value = item.substring(eq + 1).trim();
            switch (name) {
                case "Credential" -> credential = value;
                case "SignedHeaders" -> signedHeaders = value;
                case "Signature" -> signature = value;
                default -> throw headerError("the authorization component \"" + item + "\" is malformed.");
            }
        }
        if (credential == null) {
            throw headerError("missing Credential.");
        }
        if (signedHeaders == null) {
            throw headerError("missing SignedHeaders.");
        }
        if (signature == null) {
            throw headerError("missing Signature.");
        }
        return parseCredential(credential, false, splitSignedHeaders(signedHeaders, false), signature);
    }

    private static Parsed parseCredential(String credential, boolean query, List<String> signedHeaders,
                                          String signature) {
        String[] parts = credential.split("/", -1);
        if (parts.length != 5 || parts[0].isEmpty()) {
            String message = "the Credential is mal-formed; expecting \"<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request\".";
            throw query ? queryError("Error parsing the X-Amz-Credential parameter; " + message) : headerError(message);
        }
        return new Parsed(parts[0], parts[1], parts[2], parts[3], parts[4], signedHeaders, signature);
    }

    private static List<String> splitSignedHeaders(String value, boolean query) {
        List<String> names = new ArrayList<>();
        for (String name : value.split(";")) {
            String n = name.trim();
            if (n.isEmpty()) {
                continue;
            }
            names.add(n.toLowerCase(Locale.ROOT));
        }
        if (names.isEmpty()) {
            throw query ? queryError("X-Amz-SignedHeaders is empty") : headerError("SignedHeaders is empty.");
        }
        return names;
    }
}
