/**
 * Anti-entropy and replica inspection: {@code whereis} (which replicas hold an object, with which
 * version and checksum), {@code recover-file} (repair one object's replicas and its chunks now)
 * and {@code recover-node} (compare this node's holdings with each replica peer and copy what is
 * missing or stale, both ways), plus the automatic recovery a node runs when it restarts, during
 * which gateways do not read from it.
 *
 * <h2>How recover-node compares</h2>
 * The token space is cut into {@link io.needlestack.gateway.recovery.SegmentDigests#SEGMENTS}
 * equal sub-ranges (the top bits of a needle's ring position). For one peer, each side digests,
 * per sub-range, the newest version (name, HLC, version id, tombstone) of every needle it holds
 * whose replica set contains both nodes: an order-independent XOR of 128-bit hashes and a count.
 * Only the sub-ranges whose digests differ are listed in full
 * ({@link io.needlestack.gateway.recovery.HoldingsDiff} says what goes which way, newest HLC
 * wins, tombstones included), so two agreeing nodes exchange 4096 digests and nothing else.
 *
 * <h2>Requests (internal plane, signed like every {@code /_internal} request)</h2>
 * <pre>
 * GET  /_internal/v1/recovery/digests?peer=ID&amp;ring=CHECKSUM  -> {"ring","segments":[[s,count,"hex"],..]}
 *      409 RingMismatch when this node places by another ring
 * GET  /_internal/v1/recovery/entries?peer=ID&amp;ring=CHECKSUM&amp;segments=B64(bitmap)[&amp;after=B64(cursor)]&amp;limit=N
 *      -> {"entries":[{"kind","bucket","name","hlc","versionId","tombstone"}],"next":cursor|null}
 * POST /_internal/v1/recovery/start                      -> 202 status; 409 RecoveryRunning
 * GET  /_internal/v1/recovery/status                     -> status
 * GET  /_internal/v1/recovery/whereis?bucket=B64&amp;key=B64 -> whereis
 * POST /_internal/v1/recovery/file?bucket=B64&amp;key=B64    -> whereis after the repair, plus "copied"
 * </pre>
 */
package io.needlestack.gateway.recovery;
