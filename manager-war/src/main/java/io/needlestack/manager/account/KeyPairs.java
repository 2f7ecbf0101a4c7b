package io.needlestack.manager.account;

import java.security.SecureRandom;

/**
 * Generates access key pairs in AWS's shapes, which every S3 client accepts: a 20-character
 * id of upper-case letters and digits, a 40-character secret of letters, digits, '+' and '/'.
 */
public final class KeyPairs {

    private static final String ID_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    private static final String SECRET_ALPHABET =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    private static final SecureRandom RANDOM = new SecureRandom();

    private KeyPairs() {
    }

    /** A new access key id ({@code NS} and 18 random characters, 90 bits). */
    public static String accessKeyId() {
        return "NS" + random(ID_ALPHABET, 18);
    }

    /** A new secret key (40 characters, 240 bits). */
    public static String secretKey() {
        return random(SECRET_ALPHABET, 40);
    }

    private static String random(String alphabet, int length) {
        StringBuilder b = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            b.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
        }
        return b.toString();
    }
}
