/**
 * Consistency levels (N/W/R/D, LeoFS-style) and the pure bookkeeping of one replicated operation:
 * {@link io.needlestack.core.quorum.QuorumTracker} counts acknowledgements until the quorum is
 * reached or out of reach, {@link io.needlestack.core.quorum.ReadResolver} picks the newest of the
 * versions replicas answered and names the stale ones to repair. No I/O: the coordinator feeds
 * them what the replicas said.
 */
package io.needlestack.core.quorum;
