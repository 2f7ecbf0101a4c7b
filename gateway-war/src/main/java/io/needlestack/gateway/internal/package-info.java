/**
 * The node-to-node data plane: this node's needle store exposed to other nodes under
 * {@code /_internal/v1} on the internal listener, and the client that other nodes use to reach it.
 *
 * <h2>Listener</h2>
 * Every node runs a second HTTP listener, {@code internal-listener}, on the internal port
 * ({@code -Dneedlestack.internal.port}; {@code bin/needlestack --internal-port}, default HTTP port
 * + 100) with its own thread pool ({@code internal-thread-pool}), bound to the node's bind
 * address. A gateway thread that waits for a replica therefore never takes a thread from the pool
 * that serves replicas, and operators can firewall the port from clients.
 * {@link io.needlestack.gateway.internal.InternalPlaneFilter} answers 404 to {@code /_internal}
 * on any other port and 404 to everything else (S3) on the internal port.
 *
 * <h2>Authentication</h2>
 * Every request carries the headers of {@link io.needlestack.core.internal.InternalAuth}: an
 * HMAC-SHA256 with the cluster secret ({@code <data>/cluster.secret}) over method, raw path and
 * query, date and nonce. A missing, wrong, stale or replayed signature gets 403 before the
 * request is served (no body is read, no store call is made). Because headers are not signed, every
 * input that changes what a request does lives in the signed query string; the only unsigned
 * input is the PUT body, whose MD5 the client checks against the MD5 the store computed.
 *
 * <h2>Requests (protocol version 1)</h2>
 * Strings that may hold any character (bucket, name, version id, prefix, start-after) are sent as
 * base64url of their UTF-8 bytes, without padding, so no byte needs escaping or can be normalised
 * on the way. A key is {@code kind=OBJECT&bucket=B64&name=B64}.
 * <pre>
 * PUT  /_internal/v1/needle?w=B64(write JSON)      body: the data, Content-Length required
 *      write JSON: {"kind","bucket","name","hlc","versionId","tombstone","metadata":{..},
 *                   "keepOlderVersions"}          -> 200 PutResult JSON
 * GET  /_internal/v1/record?KEY[&version=B64]      -> 200 record JSON, 404 when absent
 *      (HEAD: status only)
 *      [&holder=B64(node id)&callback=B64(internal endpoint)], newest version only: the replica
 *      first promises that gateway a call-back before it answers any later write of the key, and
 *      says so with X-Needlestack-Promised: true (io.needlestack.gateway.object.cache.CacheCoherence)
 * GET  /_internal/v1/digest?KEY[&version=B64]      -> 200 {"hlc","versionId","tombstone",
 *                                                       "dataLength","md5","crc32c"}, 404
 * GET  /_internal/v1/data?KEY&version=B64&from=F&length=L -> 200 the bytes, streamed
 * GET  /_internal/v1/list?kind=K&bucket=B64[&prefix=B64][&startAfter=B64]&limit=N
 *      [&tombstones=true]                         -> 200 {"records":[record, ..]}
 * GET  /_internal/v1/stats                         -> 200 StoreStats JSON
 * POST /_internal/v1/purge?KEY&hlc=H&version=B64   -> 200 {"gone":bool}: drops that tombstone if it
 *      is still this node's newest version with nothing beneath it (tombstone purge); gone is
 *      true when the node now holds nothing for the key, or something newer
 * POST /_internal/v1/invalidate?key=B64(bucket).B64(name)[&key=..]
 *                                                  -> 200 {"dropped":n}: a replica's call-back after
 *      a write of object keys this gateway holds a promise for; the gateway drops its kept newest
 *      versions of them before it answers
 * POST /_internal/v1/account/invalidate?cache=NAME&key=B64[&key=B64..]
 *                                                  -> 200 {"invalidated":n}: the manager, after an
 *      account change, drops those access keys or bucket names from this gateway's near cache
 *      ({@code io.needlestack.gateway.manager.AccountInvalidationResource})
 * POST /_internal/v1/cache/purge?bucket=B64&key=B64
 *                                                  -> 200 {"node","bucket","key","memoryEntries",
 *      "diskEntries"}: the manager's purge-cache; the gateway drops the object (its bodies, its
 *      chunks' bodies and its kept newest version) from its object cache
 *      ({@code io.needlestack.gateway.object.cache.CachePurgeResource})
 * GET  /_internal/v1/log-level[?logger=NAME], POST /_internal/v1/log-level?level=L[&logger=NAME]
 *                                                  -> 200 the logger's levels: the manager's
 *      update-log-level ({@code io.needlestack.gateway.node.logging})
 * </pre>
 * The needle requests are answered at the servlet level
 * ({@code InternalNeedleEndpoint}, behind the filter), not by
 * JAX-RS; a wrong method gets 405, an unknown path 404.
 * Failures answer a JSON body {@code {"code","message","retryable"}}: the store's own failures
 * keep their type name as code ({@code StoreFullException} is 507, {@code StoreUnavailableException}
 * 503, {@code CorruptNeedleException} 500, {@code DataLengthException} 400), and
 * {@link io.needlestack.gateway.internal.InternalNeedleClient} throws the same store exception
 * types again, so callers handle a remote store like the local one.
 */
package io.needlestack.gateway.internal;
