package io.needlestack.core.quorum;

import java.util.Optional;

/**
 * What one replica answered to a read: the version it holds, or nothing (it has no version of the
 * key). A replica that did not answer at all has no {@code ReplicaAnswer}.
 *
 * @param node    the replica's node id
 * @param version its version; null when it holds none
 */
public record ReplicaAnswer(String node, ReplicaVersion version) {

    /** The node is required. */
    public ReplicaAnswer {
        if (node == null || node.isBlank()) {
            throw new IllegalArgumentException("an answer needs its node");
        }
    }

    /** A replica that holds {@code version}. */
    public static ReplicaAnswer of(String node, ReplicaVersion version) {
        return new ReplicaAnswer(node, java.util.Objects.requireNonNull(version, "version"));
    }

    /** A replica that holds no version of the key. */
    public static ReplicaAnswer absent(String node) {
        return new ReplicaAnswer(node, null);
    }

    /** The version, if the replica holds one. */
    public Optional<ReplicaVersion> held() {
        return Optional.ofNullable(version);
    }
}
