package io.needlestack.manager.account;

import io.needlestack.core.account.AccountException;
import io.needlestack.core.naming.BucketNames;
import java.util.regex.Pattern;

/** What user ids, access key ids, secret keys and bucket names may look like. */
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

    /**
     * An access key id: 3 to 128 of letters, digits and {@code . _ ~ + = -}. Wider than AWS's
     * ({@code AKIA} and 16 upper-case letters or digits, which it accepts) so that keys of other S3
     * stores can be imported as they are; no {@code /} (SigV4's credential scope is split at it)
     * and no {@code :} (HTTP Basic on the admin API is split at the first one).
     *
     * @throws AccountException {@code MalformedAccessKeyId} (not {@code InvalidAccessKeyId}, which
     *         is the internal API's "no such key", a 404)
     */
    static String accessKey(String key) {
        if (key == null || !ACCESS_KEY.matcher(key).matches()) {
            throw new AccountException("MalformedAccessKeyId",
                    "access key id must be 3 to 128 of A-Z a-z 0-9 . _ ~ + = -");
        }
        return key;
    }

    /**
     * A secret key given by an operator (imported, restored): 8 to 128 characters without blanks or
     * control characters. AWS's are 40 of {@code A-Z a-z 0-9 + /}, as the generated ones; other
     * stores use other alphabets, and a signature only needs the bytes. 8 is root.credentials'
     * minimum, 128 the column's size. The secret itself is never put in the message.
     *
     * @throws AccountException {@code InvalidSecretKey}
     */
    static String secretKey(String secret) {
        if (secret == null || secret.length() < 8 || secret.length() > 128
                || secret.chars().anyMatch(c -> c <= ' ' || c == 0x7f)) {
            throw new AccountException("InvalidSecretKey",
                    "secret key must be 8 to 128 characters without blanks or control characters");
        }
        return secret;
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
