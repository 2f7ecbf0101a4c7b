package io.needlestack.gateway.s3.http;

import io.needlestack.gateway.s3.error.S3ErrorCode;
import io.needlestack.gateway.s3.error.S3Exception;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * One S3 request as the operations see it: method, bucket and key (decoded), query parameters,
 * headers, who sent it and the payload (already decoded and verified as its
 * {@code x-amz-content-sha256} form requires).
 */
public final class S3Request {
    private final String method;
    private final String bucket;
    private final String key;
    private final Map<String, List<String>> query;
    private final Map<String, List<String>> headers;
    private final String requestId;
    private S3Principal principal;
    private InputStream body;
    private long contentLength;
    private String scheme = "http";
    private String host;
    private boolean virtualHosted;

    /**
     * @param method      HTTP method
     * @param bucket      bucket name, or null for the service
     * @param key         object key, or null for a bucket request
     * @param rawQuery    the query string as sent
     * @param headers     all values of every header, by lower-case name
     * @param requestId   the id returned in {@code x-amz-request-id}
     */
    public S3Request(String method, String bucket, String key, String rawQuery,
                     Map<String, List<String>> headers, String requestId) {
        this.method = method;
        this.bucket = bucket;
        this.key = key;
        this.query = parseQuery(rawQuery);
        this.headers = headers;
        this.requestId = requestId;
    }

    static Map<String, List<String>> parseQuery(String raw) {
        Map<String, List<String>> q = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return q;
        }
        for (String pair : raw.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
            q.computeIfAbsent(name, n -> new ArrayList<>()).add(value);
        }
        return q;
    }

    private static String decode(String s) {
        if (s.indexOf('%') < 0 && s.indexOf('+') < 0) {
            return s; // nothing to decode (most names and values)
        }
        try {
            return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new S3Exception(S3ErrorCode.INVALID_URI);
        }
    }

    /** The HTTP method. */
    public String method() {
        return method;
    }

    /** The bucket, or null for a service-level request. */
    public String bucket() {
        return bucket;
    }

    /** The key, or null for a bucket-level request. */
    public String key() {
        return key;
    }

    /** "/bucket/key" for error documents. */
    public String resource() {
        return "/" + (bucket == null ? "" : bucket) + (key == null ? "" : "/" + key);
    }

    /** Whether a query parameter (sub-resource) is present, with or without value. */
    public boolean has(String param) {
        return query.containsKey(param);
    }

    /** A query parameter's first value. */
    public Optional<String> param(String name) {
        List<String> v = query.get(name);
        return v == null || v.isEmpty() ? Optional.empty() : Optional.of(v.get(0));
    }

    /** The query parameter names. */
    public java.util.Set<String> params() {
        return Collections.unmodifiableSet(query.keySet());
    }

    /** An integer query parameter within bounds, or InvalidArgument. */
    public int intParam(String name, int defaultValue, int min, int max) {
        Optional<String> v = param(name);
        if (v.isEmpty()) {
            return defaultValue;
        }
        try {
            int n = Integer.parseInt(v.get().trim());
            if (n < min) {
                throw new NumberFormatException();
            }
            return Math.min(n, max);
        } catch (NumberFormatException e) {
            throw new S3Exception(S3ErrorCode.INVALID_ARGUMENT, "Provided " + name + " not an integer or within integer range")
                    .with("ArgumentName", name).with("ArgumentValue", v.get());
        }
    }

    /** A header's first value. */
    public Optional<String> header(String name) {
        List<String> v = headers.get(name.toLowerCase(Locale.ROOT));
        return v == null || v.isEmpty() ? Optional.empty() : Optional.of(v.get(0));
    }

    /** All values of a header. */
    public List<String> headers(String name) {
        List<String> v = headers.get(name.toLowerCase(Locale.ROOT));
        return v == null ? List.of() : v;
    }

    /** The lower-case names of all headers sent. */
    public java.util.Set<String> headerNames() {
        return Collections.unmodifiableSet(headers.keySet());
    }

    /** The {@code x-amz-meta-*} headers, by lower-case name (several values joined by commas). */
    public Map<String, String> userMetadataHeaders() {
        Map<String, String> out = new java.util.TreeMap<>();
        headers.forEach((k, v) -> {
            if (k.startsWith("x-amz-meta-")) {
                out.put(k, String.join(",", v));
            }
        });
        return out;
    }

    /** The request id. */
    public String requestId() {
        return requestId;
    }

    /** Who sent the request (set once authenticated). */
    public S3Principal principal() {
        return principal;
    }

    /** The payload, decoded and verifying; empty when there is none. */
    public InputStream body() {
        return body == null ? InputStream.nullInputStream() : body;
    }

    /** Length of the decoded payload, or -1 when unknown. */
    public long contentLength() {
        return contentLength;
    }

    /**
     * The same request, as if it named another object (CopyObject's source, for access checks).
     * The source's expected owner ({@code x-amz-source-expected-bucket-owner}) becomes the
     * request's {@code x-amz-expected-bucket-owner}, as the check of that bucket needs.
     */
    public S3Request forObject(String otherBucket, String otherKey) {
        Map<String, List<String>> h = new java.util.HashMap<>(headers);
        h.remove("x-amz-expected-bucket-owner");
        List<String> sourceOwner = headers.get("x-amz-source-expected-bucket-owner");
        if (sourceOwner != null) {
            h.put("x-amz-expected-bucket-owner", sourceOwner);
        }
        S3Request r = new S3Request(method, otherBucket, otherKey, null, h, requestId);
        r.principal = principal;
        return r;
    }

    /**
     * The object's absolute URL as the client addressed it ({@code http://host:port/bucket/key},
     * or {@code http://bucket.domain/key} virtual-host style), as CompleteMultipartUpload's
     * {@code Location} gives it.
     */
    public String objectUrl() {
        return new RequestTarget(bucket, key, virtualHosted).objectUrl(scheme, host);
    }

    /** How the client addressed this node: for {@link #objectUrl()}. */
    void addressedAs(String scheme, String host, boolean virtualHosted) {
        this.scheme = scheme;
        this.host = host;
        this.virtualHosted = virtualHosted;
    }

    void authenticated(S3Principal who, InputStream payload, long length) {
        this.principal = who;
        this.body = payload;
        this.contentLength = length;
    }
}
