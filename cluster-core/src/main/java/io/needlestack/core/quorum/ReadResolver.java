package io.needlestack.core.quorum;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Resolves the answers of the replicas to one read: the newest version wins (see
 * {@link ReplicaVersion} for the order), every replica holding anything else is stale, and a read
 * that heard from fewer than R replicas is degraded. Pure and stateless; one instance per R.
 */
public final class ReadResolver {

    private final int r;

    /** @param r replicas a read should hear from, at least 1 */
    public ReadResolver(int r) {
        if (r < 1) {
            throw new IllegalArgumentException("R must be at least 1, not " + r);
        }
        this.r = r;
    }

    /** A resolver for the read level of {@code levels}. */
    public static ReadResolver of(ConsistencyLevels levels) {
        return new ReadResolver(levels.r());
    }

    /**
     * Resolves the answers.
     *
     * @throws IllegalArgumentException when a node answered twice
     */
    public ReadResolution resolve(Collection<ReplicaAnswer> answers) {
        Set<String> nodes = new HashSet<>();
        ReplicaVersion newest = null;
        for (ReplicaAnswer a : answers) {
            if (!nodes.add(a.node())) {
                throw new IllegalArgumentException("node " + a.node() + " answered twice");
            }
            if (a.version() != null && (newest == null || a.version().isNewerThan(newest))) {
                newest = a.version();
            }
        }
        List<String> current = new ArrayList<>();
        List<String> stale = new ArrayList<>();
        for (ReplicaAnswer a : answers) {
            if (newest != null && newest.equals(a.version())) {
                current.add(a.node());
            } else if (newest != null) {
                stale.add(a.node());
            }
        }
        if (newest == null) {
            answers.forEach(a -> current.add(a.node()));
        }
        return new ReadResolution(Optional.ofNullable(newest), current, stale, answers.size(), answers.size() < r);
    }

    /** R. */
    public int r() {
        return r;
    }
}
