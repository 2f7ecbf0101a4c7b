package io.needlestack.gateway.object.cache;

/**
 * Counters of one cache tier since start, for {@code /_metrics}.
 *
 * @param tier      "memory" or "disk"
 * @param hits      reads served from the tier
 * @param misses    reads of cacheable versions the tier did not hold
 * @param evictions entries dropped to stay within the bound
 * @param bytes     bytes held now
 * @param entries   entries held now
 */
public record TierStats(String tier, long hits, long misses, long evictions, long bytes, long entries) {
}
