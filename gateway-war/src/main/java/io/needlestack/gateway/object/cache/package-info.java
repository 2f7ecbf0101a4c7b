/**
 * The gateway's object cache (LeoFS's gateway cache, made never stale): object bodies and chunks
 * kept in a node-local memory tier (a JCache of Caffeine's provider, bounded by bytes) and a disk
 * tier (files under {@code DIR/gateway/cache}, bounded by bytes, LRU), in front of the needle
 * storage the object layer reads through.
 *
 * <p>Why it is never stale: an entry is found only by the full identity of the version it holds
 * (kind, bucket, name, version id, HLC, MD5), and the bytes of one version never change, so a hit
 * returns exactly what storage would have returned for that version. Which version is the newest
 * comes either from the read path's quorum HEAD or, for a hot key, from that HEAD's answer kept
 * under call-back promises ({@link io.needlestack.gateway.object.cache.CacheCoherence}): the
 * replicas promised to tell this gateway of the key's next write before they answer it, and a
 * gateway they cannot reach is waited out until the promise has run out. So no GET through any
 * gateway returns a version older than the last acknowledged write, and a GET of a hot key needs
 * no HEAD: on a cluster, no call to another node at all.
 */
package io.needlestack.gateway.object.cache;
