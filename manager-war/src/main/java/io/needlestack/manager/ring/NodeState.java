package io.needlestack.manager.ring;

import java.util.Locale;

/**
 * A node's state as {@code GET status} shows it: LeoFS's vocabulary, combining the operator's
 * decisions ({@link NodeDecision}), ring membership and liveness (the registry's heartbeat).
 * In order of precedence:
 * <ul>
 *   <li>{@link #SUSPENDED}: the operator suspended it; it stays in the ring</li>
 *   <li>{@link #STOPPED}: stopped gracefully or no heartbeat (down)</li>
 *   <li>{@link #DETACHED}: not in the ring and not waiting to enter it, or detached and waiting
 *       for the rebalance that takes it out</li>
 *   <li>{@link #RESTARTED}: a ring member whose process started since the manager last accepted
 *       it (attach, start, rebalance or resume); cleared by {@code resume}</li>
 *   <li>{@link #RUNNING}: a ring member, alive</li>
 *   <li>{@link #ATTACHED}: alive and attached, waiting for the rebalance that adds it</li>
 * </ul>
 */
public enum NodeState {
    /** Attached, not in the ring yet. */
    ATTACHED,
    /** In the ring and alive. */
    RUNNING,
    /** Suspended by the operator, still in the ring. */
    SUSPENDED,
    /** Stopped or down. */
    STOPPED,
    /** In the ring, its process restarted since the manager accepted it. */
    RESTARTED,
    /** Not in the ring (or leaving it at the next rebalance). */
    DETACHED;

    /** The lower-case name used in JSON. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
