package io.needlestack.core.ring;

import java.io.Serializable;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * A position on the ring: an unsigned 128-bit number, the MD5 of a name, kept as two longs that
 * compare unsigned (no BigInteger on the lookup path).
 *
 * @param hi the most significant 64 bits (big-endian bytes 0..7 of the digest)
 * @param lo the least significant 64 bits (bytes 8..15)
 */
public record Token(long hi, long lo) implements Comparable<Token>, Serializable {

    /** The smallest position, 0. */
    public static final Token MIN = new Token(0, 0);
    /** The largest position, 2^128 - 1. */
    public static final Token MAX = new Token(-1L, -1L);
    /** The size of the ring, 2^128. */
    public static final BigInteger SPACE = BigInteger.ONE.shiftLeft(128);

    private static final BigInteger MASK64 = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);
    private static final double TWO_64 = 0x1p64;

    // MessageDigest is not thread-safe and costs more to create than to use.
    private static final ThreadLocal<MessageDigest> MD5 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 is required of every Java runtime", e);
        }
    });

    /** The position of an object: MD5 of {@code bucket + "/" + key}. */
    public static Token of(String bucket, String key) {
        return hash(bucket + "/" + key);
    }

    /** The MD5 of the UTF-8 bytes of a string, as a position. */
    public static Token hash(String name) {
        MessageDigest md = MD5.get();
        md.reset();
        return fromBytes(md.digest(name.getBytes(StandardCharsets.UTF_8)));
    }

    /** A position from 16 big-endian bytes. */
    public static Token fromBytes(byte[] sixteen) {
        if (sixteen.length != 16) {
            throw new IllegalArgumentException("a token has 16 bytes, not " + sixteen.length);
        }
        long hi = 0;
        long lo = 0;
        for (int i = 0; i < 8; i++) {
            hi = (hi << 8) | (sixteen[i] & 0xff);
            lo = (lo << 8) | (sixteen[i + 8] & 0xff);
        }
        return new Token(hi, lo);
    }

    /** Parses the 32 hex digits of {@link #toString()}. */
    public static Token parse(String hex) {
        if (hex.length() != 32) {
            throw new IllegalArgumentException("a token is 32 hex digits: " + hex);
        }
        return new Token(Long.parseUnsignedLong(hex.substring(0, 16), 16),
                Long.parseUnsignedLong(hex.substring(16), 16));
    }

    /** The position as a non-negative BigInteger. */
    public BigInteger toBigInteger() {
        return new BigInteger(Long.toUnsignedString(hi)).shiftLeft(64).or(new BigInteger(Long.toUnsignedString(lo)));
    }

    /** A position from a BigInteger, taken modulo 2^128. */
    public static Token fromBigInteger(BigInteger value) {
        BigInteger v = value.mod(SPACE);
        return new Token(v.shiftRight(64).longValue(), v.and(MASK64).longValue());
    }

    /** The position as a fraction of the ring, in [0, 1). */
    public double fraction() {
        return (unsigned(hi) + unsigned(lo) / TWO_64) / TWO_64;
    }

    static double unsigned(long v) {
        double d = (double) (v >>> 1) * 2.0;
        return d + (v & 1);
    }

    static int compare(long hiA, long loA, long hiB, long loB) {
        int c = Long.compareUnsigned(hiA, hiB);
        return c != 0 ? c : Long.compareUnsigned(loA, loB);
    }

    @Override
    public int compareTo(Token o) {
        return compare(hi, lo, o.hi, o.lo);
    }

    /** 32 lower-case hex digits, most significant first. */
    @Override
    public String toString() {
        return String.format("%016x%016x", hi, lo);
    }
}
