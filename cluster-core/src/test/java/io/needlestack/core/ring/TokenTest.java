package io.needlestack.core.ring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TokenTest {

    @Test
    void positionIsMd5OfBucketSlashKey() {
        // Expected values from Python's hashlib, an implementation independent of this code.
        assertEquals("e3968994c9392f35a7ac9e248417601b", Token.of("photos", "cat.jpg").toString());
        assertEquals("c79948103660952776b6f53b1e4aee15", Token.hash("n1#0").toString());
        assertEquals("20ddaa250539b1897b36317a2489f689", Token.of("bücket", "ключ").toString());
    }

    @Test
    void comparesUnsigned() {
        Token small = new Token(1, 0);
        Token highBitSet = new Token(Long.MIN_VALUE, 0);
        assertTrue(small.compareTo(highBitSet) < 0, "0x8000.. is above 0x0000..1 when unsigned");
        assertTrue(new Token(5, 1).compareTo(new Token(5, -1L)) < 0);
        assertTrue(Token.MIN.compareTo(Token.MAX) < 0);
        assertEquals(0, new Token(7, 8).compareTo(new Token(7, 8)));
    }

    @Test
    void hexAndBigIntegerRoundTrip() {
        Random random = new Random(1);
        for (int i = 0; i < 1000; i++) {
            Token t = new Token(random.nextLong(), random.nextLong());
            assertEquals(t, Token.parse(t.toString()));
            BigInteger b = t.toBigInteger();
            assertTrue(b.signum() >= 0 && b.compareTo(Token.SPACE) < 0);
            assertEquals(t, Token.fromBigInteger(b));
            assertEquals(b.doubleValue() / Token.SPACE.doubleValue(), t.fraction(), 1e-12);
        }
        assertEquals(Token.SPACE.subtract(BigInteger.ONE), Token.MAX.toBigInteger());
        assertEquals(Token.MAX, Token.fromBigInteger(BigInteger.ONE.negate()));
        assertThrows(IllegalArgumentException.class, () -> Token.parse("abc"));
        assertThrows(IllegalArgumentException.class, () -> Token.fromBytes(new byte[15]));
    }

    @Test
    void rangesAreHalfOpenAndMayWrap() {
        Token a = Token.fromBigInteger(BigInteger.valueOf(100));
        Token b = Token.fromBigInteger(BigInteger.valueOf(200));
        TokenRange plain = new TokenRange(a, b);
        assertFalse(plain.wraps());
        assertFalse(plain.contains(a));
        assertTrue(plain.contains(b));
        assertTrue(plain.contains(Token.fromBigInteger(BigInteger.valueOf(150))));
        assertEquals(BigInteger.valueOf(100), plain.size());

        TokenRange wrapping = new TokenRange(b, a);
        assertTrue(wrapping.wraps());
        assertTrue(wrapping.contains(Token.MAX));
        assertTrue(wrapping.contains(Token.MIN));
        assertTrue(wrapping.contains(a));
        assertFalse(wrapping.contains(b));
        assertFalse(wrapping.contains(Token.fromBigInteger(BigInteger.valueOf(150))));
        assertEquals(Token.SPACE, plain.size().add(wrapping.size()));
        assertEquals(1.0, plain.fraction() + wrapping.fraction(), 1e-12);

        TokenRange full = new TokenRange(a, a);
        assertTrue(full.isFull());
        assertTrue(full.contains(a));
        assertEquals(Token.SPACE, full.size());
        assertEquals(1.0, full.fraction());
    }
}
