package io.needlestack.core.quorum;

import java.io.Serializable;

/**
 * N, W, R, D of a cluster: copies of every object, and the acknowledgements a write, a read and a
 * delete wait for. {@code 1 <= w, r, d <= n}. N is fixed when the cluster is created
 * ({@link #withAcks} keeps it); W, R and D may change.
 *
 * <p>{@code r + w > n} ({@link #strongReads()}) means every read quorum meets every write quorum:
 * read-after-write consistency. R=1 is allowed and eventually consistent.
 *
 * @param n replicas of every object
 * @param w acknowledgements a write waits for
 * @param r replicas a read consults
 * @param d acknowledgements a delete waits for
 */
public record ConsistencyLevels(int n, int w, int r, int d) implements Serializable {

    /** Cluster default: N=3, W=2, R=2, D=2 (read-after-write consistent). */
    public static final ConsistencyLevels CLUSTER_DEFAULT = new ConsistencyLevels(3, 2, 2, 2);
    /** All-in-one default: a single copy. */
    public static final ConsistencyLevels ALL_IN_ONE = new ConsistencyLevels(1, 1, 1, 1);

    /** Validates the levels. */
    public ConsistencyLevels {
        if (n < 1) {
            throw new InvalidConsistencyException("N must be at least 1, not " + n);
        }
        check("W", w, n);
        check("R", r, n);
        check("D", d, n);
    }

    private static void check(String name, int value, int n) {
        if (value < 1 || value > n) {
            throw new InvalidConsistencyException(name + " must be between 1 and N=" + n + ", not " + value);
        }
    }

    /**
     * Parses {@code "N,W,R,D"} as given to {@code cluster up --consistency}.
     *
     * @throws InvalidConsistencyException when malformed or invalid
     */
    public static ConsistencyLevels parse(String text) {
        String[] parts = text == null ? new String[0] : text.trim().split("\\s*,\\s*");
        if (parts.length != 4) {
            throw new InvalidConsistencyException("consistency levels are N,W,R,D, not '" + text + "'");
        }
        try {
            return new ConsistencyLevels(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]),
                    Integer.parseInt(parts[2]), Integer.parseInt(parts[3]));
        } catch (NumberFormatException e) {
            throw new InvalidConsistencyException("consistency levels are numbers: '" + text + "'");
        }
    }

    /** The same N with new W, R and D ({@code update-consistency-level}). */
    public ConsistencyLevels withAcks(int newW, int newR, int newD) {
        return new ConsistencyLevels(n, newW, newR, newD);
    }

    /** True when every read quorum overlaps every write quorum (R + W > N). */
    public boolean strongReads() {
        return r + w > n;
    }

    /** {@code N,W,R,D}, the form {@link #parse} reads. */
    @Override
    public String toString() {
        return n + "," + w + "," + r + "," + d;
    }
}
