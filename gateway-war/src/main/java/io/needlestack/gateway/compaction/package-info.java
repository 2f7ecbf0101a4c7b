/**
 * Compaction of this node's needle containers, on the operator's request: the manager relays
 * {@code needlestack-adm compact-start|compact-suspend|compact-resume|compact-status|du} to the node's
 * internal plane, and {@link io.needlestack.gateway.compaction.CompactionResource} hands them to the
 * store ({@link io.needlestack.storage.service.StorageService}), which copies each container's live
 * needles into a new file in the background while reads and writes go on.
 *
 * <h2>Requests (internal plane, signed like every {@code /_internal} request)</h2>
 * <pre>
 * POST /_internal/v1/compaction/start[?containers=0,3] -> 202 status (absent: every container)
 * POST /_internal/v1/compaction/suspend               -> 200 status
 * POST /_internal/v1/compaction/resume                -> 200 status
 * GET  /_internal/v1/compaction/status                -> 200 status
 * GET  /_internal/v1/compaction/usage                 -> 200 usage (one pass over the index)
 *
 * status: {"node","state":"idle|running|suspended","outcome":"none|done|failed|stopped",
 *          "startedAtMillis","finishedAtMillis","startedAt","finishedAt","containersTotal",
 *          "containersDone","currentContainer","bytesBefore","bytesAfter","needlesKept",
 *          "needlesDropped","corruptSkipped","message","containerFileBytes"}
 * usage:  {"node","containers":[{"id","directory","fileBytes","liveBytes","reclaimableBytes",
 *          "active","compacting"}],"fileBytes","liveBytes","reclaimableBytes"}
 * </pre>
 * The fields are those of {@link io.needlestack.storage.store.CompactionStatus}, plus the node's
 * id and the two times as ISO-8601 (null when the millis are 0); {@code message} is null unless
 * the run failed or stopped. A usage entry is a {@link io.needlestack.storage.store.ContainerUsage}
 * with its {@code reclaimableBytes} (what compacting that container would give back); the top-level
 * byte counts are the sums over the containers. {@code usage} costs one pass over the node's index
 * (about a second per million needles).
 *
 * <p>Failures answer {@code {"code","message"}}: 409 {@code CompactionRunning} (start while a run
 * is under way), 409 {@code CompactionNotRunning} (suspend or resume with nothing to
 * suspend or resume), 400 {@code NoSuchContainer}, 507 {@code NotEnoughSpace} (free space smaller
 * than a container to copy), 400 {@code BadRequest} (a malformed {@code containers}), 503
 * {@code StoreUnavailable} (the store failed or is not open).
 */
package io.needlestack.gateway.compaction;
