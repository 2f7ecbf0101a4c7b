package io.needlestack.gateway.internal;

import io.needlestack.core.config.NodeConfig;
import io.needlestack.storage.store.NeedleKey;
import io.needlestack.storage.store.NeedleKind;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;

/**
 * Names and encodings of the internal data plane, shared by the resource and the client so the
 * two cannot drift apart (see the package documentation for the requests).
 */
public final class InternalProtocol {

    /** Version of the internal protocol, part of every path. */
    public static final int VERSION = 1;
    /** Prefix of every internal path; also the prefix the port filter guards. */
    public static final String ROOT = "/_internal";
    /** Base path of this protocol version. */
    public static final String BASE = ROOT + "/v" + VERSION;
    /** System property of the internal port. */
    public static final String PORT_PROPERTY = "needlestack.internal.port";
    /** Distance of the default internal port from the HTTP port. */
    public static final int DEFAULT_PORT_OFFSET = 100;
    /** Response header saying whether a failure may succeed when tried again. */
    public static final String RETRYABLE_HEADER = "X-Needlestack-Retryable";
    /** Response header of a 404 that means "no such needle" (not "no such path"). */
    public static final String ABSENT_HEADER = "X-Needlestack-Absent";

    /** Response header of a record read whose replica registered the asked call-back promise. */
    static final String PROMISED_HEADER = "X-Needlestack-Promised";

    static final String NEEDLE = "needle";
    static final String RECORD = "record";
    static final String DIGEST = "digest";
    static final String DATA = "data";
    static final String LIST = "list";
    static final String STATS = "stats";
    static final String PURGE = "purge";
    /** Operation of a replica's call-back to a gateway: drop these keys (see {@code CacheCoherence}). */
    static final String INVALIDATE = "invalidate";
    /** Most keys in one call-back. */
    static final int MAX_INVALIDATE_KEYS = 100;

    private InternalProtocol() {
    }

    /** The internal port of this node: {@value #PORT_PROPERTY}, else the HTTP port + 100. */
    public static int port(NodeConfig config) {
        return config.getInt(PORT_PROPERTY, config.httpPort() + DEFAULT_PORT_OFFSET);
    }

    /**
     * The host other nodes reach this node by: its bind address, or its host name when it binds
     * every address ({@code 0.0.0.0}).
     */
    public static String advertisedHost(NodeConfig config) {
        if (!config.bindAddress().equals("0.0.0.0")) {
            return config.bindAddress();
        }
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            return "127.0.0.1";
        }
    }

    /** Base64url of the UTF-8 bytes, no padding: survives any character in a query string. */
    public static String encode(String s) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The string {@link #encode} encoded.
     *
     * @throws IllegalArgumentException when {@code b64} is not base64url
     */
    public static String decode(String b64) {
        return new String(Base64.getUrlDecoder().decode(b64), StandardCharsets.UTF_8);
    }

    /**
     * The request target of a call-back that tells a gateway to drop object keys:
     * {@code POST /_internal/v1/invalidate?key=B64(bucket).B64(name)&key=..}.
     */
    public static String invalidationTarget(List<NeedleKey> keys) {
        if (keys.isEmpty() || keys.size() > MAX_INVALIDATE_KEYS) {
            throw new IllegalArgumentException("1.." + MAX_INVALIDATE_KEYS + " keys per call-back");
        }
        StringBuilder sb = new StringBuilder(BASE).append('/').append(INVALIDATE);
        char sep = '?';
        for (NeedleKey k : keys) {
            if (k.kind() != NeedleKind.OBJECT) {
                throw new IllegalArgumentException("only object keys are called back: " + k);
            }
            sb.append(sep).append("key=").append(encode(k.bucket())).append('.').append(encode(k.name()));
            sep = '&';
        }
        return sb.toString();
    }

    /**
     * The keys of a call-back's query string (the inverse of {@link #invalidationTarget}).
     *
     * @throws IllegalArgumentException when the query names no key, too many, or a malformed one
     */
    static List<NeedleKey> invalidationKeys(String query) {
        List<NeedleKey> keys = new ArrayList<>();
        if (query != null) {
            for (String pair : query.split("&")) {
                if (!pair.startsWith("key=")) {
                    continue;
                }
                String v = pair.substring(4);
                int dot = v.indexOf('.');
                if (dot < 0) {
                    throw new IllegalArgumentException("a key is bucket.name in base64url");
                }
                keys.add(NeedleKey.object(decode(v.substring(0, dot)), decode(v.substring(dot + 1))));
            }
        }
        if (keys.isEmpty() || keys.size() > MAX_INVALIDATE_KEYS) {
            throw new IllegalArgumentException("1.." + MAX_INVALIDATE_KEYS + " key parameters are required");
        }
        return keys;
    }

    /** Query parameters naming a key. */
    static Map<String, String> keyParams(NeedleKey key) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("kind", key.kind().name());
        p.put("bucket", encode(key.bucket()));
        p.put("name", encode(key.name()));
        return p;
    }

    /** The key named by query parameters (the inverse of {@link #keyParams}). */
    static NeedleKey key(String kind, String bucket, String name) {
        if (kind == null || bucket == null || name == null) {
            throw new IllegalArgumentException("kind, bucket and name are required");
        }
        return new NeedleKey(kind(kind), decode(bucket), decode(name));
    }

    static NeedleKind kind(String kind) {
        return NeedleKind.valueOf(kind.toUpperCase(Locale.ROOT));
    }

    /**
     * The raw target {@code BASE/op?a=b&..}. Values must be URL-safe already (base64url, numbers,
     * enum names): they are sent and signed exactly as given.
     */
    static String target(String operation, Map<String, String> params) {
        StringBuilder sb = new StringBuilder(BASE).append('/').append(operation);
        if (!params.isEmpty()) {
            StringJoiner q = new StringJoiner("&");
            params.forEach((k, v) -> q.add(k + "=" + v));
            sb.append('?').append(q);
        }
        return sb.toString();
    }
}
