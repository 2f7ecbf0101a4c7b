package io.needlestack.gateway.s3.auth;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** The hashes and MACs of the two signature versions; every JDK has these algorithms. */
final class Crypto {

    static final String EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    private static final HexFormat HEX = HexFormat.of();

    private Crypto() {
    }

    static MessageDigest sha256() {
        return digest("SHA-256");
    }

    static MessageDigest digest(String algorithm) {
        try {
            return MessageDigest.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK lacks " + algorithm, e);
        }
    }

    /*
     * One SHA-256 per thread for the canonical request's hash (every SigV4 request computes one):
     * MessageDigest.getInstance walks the provider list each time. digest() resets the instance.
     */
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(Crypto::sha256);

    static String sha256Hex(String s) {
        return HEX.formatHex(SHA256.get().digest(s.getBytes(StandardCharsets.UTF_8)));
    }

    static String hex(byte[] bytes) {
        return HEX.formatHex(bytes);
    }

    static byte[] hmacSha256(byte[] key, String data) {
        return mac("HmacSHA256", key, data);
    }

    static byte[] hmacSha1(byte[] key, String data) {
        return mac("HmacSHA1", key, data);
    }

    /*
     * One Mac per thread and algorithm: a SigV4 check computes five HMACs and every aws-chunked
     * chunk one more, and Mac.getInstance walks the provider list each time (a measured share of a
     * small PUT's CPU). init() with the next key resets the instance, so reuse is safe.
     */
    private static final ThreadLocal<Mac> HMAC_SHA256 = ThreadLocal.withInitial(() -> newMac("HmacSHA256"));
    private static final ThreadLocal<Mac> HMAC_SHA1 = ThreadLocal.withInitial(() -> newMac("HmacSHA1"));

    private static Mac newMac(String algorithm) {
        try {
            return Mac.getInstance(algorithm);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK lacks " + algorithm, e);
        }
    }

    private static byte[] mac(String algorithm, byte[] key, String data) {
        try {
            Mac mac = (algorithm.equals("HmacSHA256") ? HMAC_SHA256 : HMAC_SHA1).get();
            mac.init(new SecretKeySpec(key, algorithm));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK lacks " + algorithm, e);
        }
    }

    /** Compares in constant time, so a forger learns nothing from how long a rejection takes. */
    static boolean constantTimeEquals(String expected, String provided) {
        return MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8),
                provided.getBytes(StandardCharsets.UTF_8));
    }
}
