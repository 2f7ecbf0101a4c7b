package io.needlestack.gateway.object;

import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Names of the metadata entries the object layer stores with a needle. System entries are plain
 * names; user metadata keeps its {@code x-amz-meta-} prefix, lower-cased, so the two never collide.
 */
public final class ObjectAttributes {

    /** Logical size of the object (a manifest needle's own data is the manifest). */
    public static final String SIZE = "size";
    /** The S3 ETag without quotes. */
    public static final String ETAG = "etag";
    /** "1" when the needle's data is a {@link Manifest}. */
    public static final String MANIFEST = "manifest";
    /** Owner's user id. */
    public static final String OWNER = "owner";
    /** Multipart upload id (on UPLOAD and PART needles). */
    public static final String UPLOAD_ID = "upload-id";
    /** The S3 key (on UPLOAD and PART needles, whose names are composite). */
    public static final String KEY = "key";
    /** Part number (on PART needles). */
    public static final String PART_NUMBER = "part-number";
    /** Stored S3 checksum, e.g. "crc32c=base64" (when the client sent one). */
    public static final String CHECKSUM = "checksum";

    /** Standard HTTP headers stored and returned as they were sent. */
    public static final Set<String> CONTENT_HEADERS = Set.of(
            "content-type", "cache-control", "content-disposition", "content-encoding", "content-language",
            "expires");

    /** Prefix of user metadata. */
    public static final String USER_PREFIX = "x-amz-meta-";

    private ObjectAttributes() {
    }

    /** Whether a header name (any case) is one the object stores. */
    public static boolean isStoredHeader(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return CONTENT_HEADERS.contains(n) || n.startsWith(USER_PREFIX);
    }

    /** The entries of {@code meta} that are HTTP headers to return with the object. */
    public static Map<String, String> headersOf(Map<String, String> meta) {
        java.util.TreeMap<String, String> out = new java.util.TreeMap<>();
        meta.forEach((k, v) -> {
            if (isStoredHeader(k)) {
                out.put(k, v);
            }
        });
        return out;
    }
}
