package io.needlestack.gateway.s3.http;

import io.needlestack.gateway.s3.error.S3ErrorCode;
import io.needlestack.gateway.s3.error.S3Exception;
import java.io.ByteArrayOutputStream;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/**
 * The bucket and key a request names, from its raw path and Host header: virtual-host style
 * ({@code bucket.s3.example.com/key}) when the host ends with one of the configured S3 domains,
 * path style ({@code /bucket/key}) otherwise. Keys are percent-decoded here and nowhere else; a
 * {@code +} in a path is a plus, as S3 reads it.
 *
 * @param bucket          the bucket, or null for the service
 * @param key             the key, or null for a bucket request
 * @param virtualHosted   whether the bucket came from the Host header
 */
public record RequestTarget(String bucket, String key, boolean virtualHosted) {

    /**
     * @param rawPath the path as sent (still percent-encoded), without the query
     * @param host    the Host header (may carry a port), or null
     * @param domains the S3 domains of virtual-host-style addressing, e.g. {@code localhost}
     */
    public static RequestTarget parse(String rawPath, String host, List<String> domains) {
        String path = rawPath == null || rawPath.isEmpty() ? "/" : rawPath;
        String vhBucket = virtualHostBucket(host, domains);
        String p = path.startsWith("/") ? path.substring(1) : path;
        if (vhBucket != null) {
            return new RequestTarget(vhBucket, p.isEmpty() ? null : decode(p), true);
        }
        if (p.isEmpty()) {
            return new RequestTarget(null, null, false);
        }
        int slash = p.indexOf('/');
        if (slash < 0) {
            return new RequestTarget(decode(p), null, false);
        }
        String key = p.substring(slash + 1);
        return new RequestTarget(decode(p.substring(0, slash)), key.isEmpty() ? null : decode(key), false);
    }

    /**
     * The object's absolute URL as the client addressed this request (CompleteMultipartUpload's
     * {@code Location}): virtual-host style keeps the host, which names the bucket; path style adds
     * the bucket. The key is percent-encoded with its slashes kept, as S3 writes it.
     *
     * @param scheme {@code http} or {@code https}, as the client sent the request
     * @param host   the Host the client sent (with its port)
     */
    public String objectUrl(String scheme, String host) {
        return scheme + "://" + host + (virtualHosted ? "" : "/" + encodePath(bucket)) + "/" + encodePath(key);
    }

    /** S3's URL encoding of a key: percent-encoding, a space as %20, slashes left as they are. */
    public static String encodePath(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20").replace("%2F", "/");
    }

    static String virtualHostBucket(String host, List<String> domains) {
        if (host == null || host.isEmpty()) {
            return null;
        }
        String h = host.toLowerCase(Locale.ROOT);
        if (h.startsWith("[")) {
            return null; // an IPv6 literal is never a virtual host
        }
        int colon = h.lastIndexOf(':');
        if (colon >= 0) {
            h = h.substring(0, colon);
        }
        for (String d : domains) {
            String suffix = "." + d.toLowerCase(Locale.ROOT);
            if (h.endsWith(suffix) && h.length() > suffix.length()) {
                return h.substring(0, h.length() - suffix.length());
            }
        }
        return null;
    }

    /** Strict percent-decoding into UTF-8: a malformed escape or invalid UTF-8 is InvalidURI. */
    static String decode(String s) {
        if (s.indexOf('%') < 0) {
            return s;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%') {
                if (i + 2 >= s.length()) {
                    throw new S3Exception(S3ErrorCode.INVALID_URI);
                }
                int hi = Character.digit(s.charAt(i + 1), 16);
                int lo = Character.digit(s.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    throw new S3Exception(S3ErrorCode.INVALID_URI);
                }
                out.write(hi << 4 | lo);
                i += 2;
            } else {
                byte[] b = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                if (Character.isHighSurrogate(c) && i + 1 < s.length()) {
                    b = s.substring(i, i + 2).getBytes(StandardCharsets.UTF_8);
                    i++;
                }
                out.writeBytes(b);
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(out.toByteArray())).toString();
        } catch (CharacterCodingException e) {
            throw new S3Exception(S3ErrorCode.INVALID_URI);
        }
    }
}
