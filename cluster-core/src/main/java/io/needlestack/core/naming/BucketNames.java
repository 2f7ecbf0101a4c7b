package io.needlestack.core.naming;

import java.util.regex.Pattern;

/**
 * S3's bucket naming rules (general purpose buckets): 3 to 63 characters, lower-case letters,
 * digits, dots and hyphens, beginning and ending with a letter or digit, no two adjacent dots,
 * not formatted as an IP address, none of the reserved prefixes and suffixes. Names that start
 * with an underscore are never valid, which is why {@code /_admin} and {@code /_health} cannot
 * shadow a bucket.
 */
public final class BucketNames {

    private static final Pattern SHAPE = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");
    private static final Pattern IP = Pattern.compile("\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}");

    private BucketNames() {
    }

    /** Whether {@code name} is a valid bucket name. */
    public static boolean isValid(String name) {
        return name != null
                && SHAPE.matcher(name).matches()
                && !name.contains("..")
                && !name.contains(".-")
                && !name.contains("-.")
                && !IP.matcher(name).matches()
                && !name.startsWith("xn--")
                && !name.startsWith("sthree-")
                && !name.endsWith("-s3alias")
                && !name.endsWith("--ol-s3");
    }
}
