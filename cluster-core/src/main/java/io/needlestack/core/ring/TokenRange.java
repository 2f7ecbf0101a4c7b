package io.needlestack.core.ring;

import java.io.Serializable;
import java.math.BigInteger;

/**
 * A half-open arc of the ring, {@code (start, end]}, walked clockwise. When {@code start} is not
 * below {@code end} the arc wraps through zero; when they are equal it is the whole ring (the
 * range of a ring with a single virtual node).
 *
 * @param start exclusive start
 * @param end   inclusive end
 */
public record TokenRange(Token start, Token end) implements Serializable {

    /** Both bounds are required. */
    public TokenRange {
        if (start == null || end == null) {
            throw new IllegalArgumentException("a range needs both bounds");
        }
    }

    /** True when the arc passes through zero (the whole ring included). */
    public boolean wraps() {
        return start.compareTo(end) >= 0;
    }

    /** True for the whole ring. */
    public boolean isFull() {
        return start.equals(end);
    }

    /** True when {@code t} lies in {@code (start, end]}. */
    public boolean contains(Token t) {
        if (isFull()) {
            return true;
        }
        if (!wraps()) {
            return start.compareTo(t) < 0 && t.compareTo(end) <= 0;
        }
        return t.compareTo(start) > 0 || t.compareTo(end) <= 0;
    }

    /** Number of positions in the arc, in (0, 2^128]. */
    public BigInteger size() {
        if (isFull()) {
            return Token.SPACE;
        }
        return end.toBigInteger().subtract(start.toBigInteger()).mod(Token.SPACE);
    }

    /** The arc as a fraction of the ring, in (0, 1]. */
    public double fraction() {
        if (isFull()) {
            return 1.0;
        }
        double f = end.fraction() - start.fraction();
        return f < 0 || (f == 0 && wraps()) ? f + 1.0 : f;
    }

    @Override
    public String toString() {
        return "(" + start + ", " + end + "]";
    }
}
