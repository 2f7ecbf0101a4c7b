package io.needlestack.gateway.s3.auth;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** SigV4's UriEncode and the matching decoder ('+' is a plus sign, never a space). */
final class UriEncoding {

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private UriEncoding() {
    }

    /** SigV4 UriEncode: every byte but A-Z a-z 0-9 - _ . ~ (and '/' when asked) as %XX. */
    static String encode(String s, boolean keepSlash) {
        if (isUnreserved(s, keepSlash)) {
            return s; // the usual case (query names and values of SigV4 itself): no copy
        }
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        StringBuilder out = new StringBuilder(bytes.length + 16);
        for (byte b : bytes) {
            int c = b & 0xff;
            if (unreserved(c, keepSlash)) {
                out.append((char) c);
            } else {
                out.append('%').append(HEX[c >> 4]).append(HEX[c & 0xf]);
            }
        }
        return out.toString();
    }

    private static boolean isUnreserved(String s, boolean keepSlash) {
        for (int i = 0; i < s.length(); i++) {
            if (!unreserved(s.charAt(i), keepSlash)) {
                return false;
            }
        }
        return true;
    }

    private static boolean unreserved(int c, boolean keepSlash) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                || c == '-' || c == '_' || c == '.' || c == '~' || (keepSlash && c == '/');
    }

    /**
     * Percent-decodes as UTF-8. A '%' not followed by two hex digits stays literal, as servers
     * that route the request decode it the same way.
     */
    static String decode(String s) {
        if (s.indexOf('%') < 0) {
            return s;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < bytes.length; i++) {
            byte b = bytes[i];
            if (b == '%' && i + 2 < bytes.length && hex(bytes[i + 1]) >= 0 && hex(bytes[i + 2]) >= 0) {
                out.write(hex(bytes[i + 1]) << 4 | hex(bytes[i + 2]));
                i += 2;
            } else {
                out.write(b);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /** The path as SigV4 canonicalises a decoded path: each segment UriEncoded, slashes kept. */
    static String normalisedPath(String rawPath) {
        return encode(decode(rawPath), true);
    }

    private static int hex(byte b) {
        if (b >= '0' && b <= '9') {
            return b - '0';
        }
        if (b >= 'a' && b <= 'f') {
            return b - 'a' + 10;
        }
        if (b >= 'A' && b <= 'F') {
            return b - 'A' + 10;
        }
        return -1;
    }
}
