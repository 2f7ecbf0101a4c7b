/**
 * The gateway's object cache (LeoFS's gateway cache, made never stale): object bodies and chunks
 * kept in a node-local memory tier (a JCache of Caffeine's provider, bounded by bytes) and a disk
 * tier (files under {@code DIR/gateway/cache}, bounded by bytes, LRU), in front of the needle
 * storage the object layer reads through.
 *
 * <p>Why it is never stale: an entry is found only by the full identity of the version it holds
 * (kind, bucket, name, version id, HLC, MD5), and that identity comes from the read path's own
 * quorum HEAD, which every GET makes anyway. The bytes of one version never change, so a hit
 * returns exactly what storage would have returned for the version the HEAD chose; an overwrite or
 * a delete through any gateway changes what the HEAD answers, and the old entry is simply never
 * found again (it is replaced or evicted). No invalidation message has to reach any gateway, so an
 * unreachable gateway cannot serve an old version either. What the cache saves is the body
 * transfer: in a cluster the second lookup and the stream from a (possibly remote) replica, on one
 * node the container read.
 */
package io.needlestack.gateway.object.cache;
