package io.needlestack.core.naming;

import java.nio.charset.StandardCharsets;

/** S3's rules for object keys: 1 to 1024 bytes of UTF-8. */
public final class ObjectKeys {

    /** Longest key S3 accepts, in UTF-8 bytes. */
    public static final int MAX_KEY_BYTES = 1024;

    private ObjectKeys() {
    }

    /** Whether the key is too long for S3. */
    public static boolean isTooLong(String key) {
        return key.getBytes(StandardCharsets.UTF_8).length > MAX_KEY_BYTES;
    }
}
