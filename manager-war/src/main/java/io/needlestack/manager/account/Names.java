package io.needlestack.manager.account;

import io.needlestack.core.account.AccountException;
import io.needlestack.core.naming.BucketNames;
import java.util.regex.Pattern;

/** What user ids, access key ids and bucket names may look like. */
final class Names {

    private static final Pattern USER_ID = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");
    private static final Pattern ACCESS_KEY = Pattern.compile("[A-Za-z0-9._~+=-]{3,128}");
    private static final Pattern REGION = Pattern.compile("[a-z0-9][a-z0-9-]{0,63}");

    private Names() {
    }

    static String userId(String id) {
        if (id == null || !USER_ID.matcher(id).matches()) {
            throw new AccountException("InvalidUserId",
                    "user id must be 1-64 of a-z 0-9 . _ - starting with a letter or digit: " + id);
        }
        return id;
    }

    static String accessKey(String key) {
        if (key == null || !ACCESS_KEY.matcher(key).matches()) {
            throw new AccountException("InvalidAccessKeyId", "malformed access key id");
        }
        return key;
    }

    static String bucket(String name) {
        // The same rules as the gateway's, from one place.
        if (!BucketNames.isValid(name)) {
            throw new AccountException("InvalidBucketName", "the specified bucket is not valid: " + name);
        }
        return name;
    }

    static String region(String region) {
        if (region == null || !REGION.matcher(region).matches()) {
            throw new AccountException("InvalidLocationConstraint", "the specified location constraint is not valid: " + region);
        }
        return region;
    }

    static String displayName(String name, String fallback) {
        String n = name == null || name.isBlank() ? fallback : name.strip();
        if (n.length() > 255) {
            throw new AccountException("InvalidArgument", "display name longer than 255 characters");
        }
        return n;
    }
}
