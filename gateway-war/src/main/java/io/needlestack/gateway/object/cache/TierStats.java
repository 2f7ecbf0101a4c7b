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
 * @param skipped   reads that could have filled the tier and did not, because its recent fills
 *                  were seldom read again ({@link FillThrottle})
 */
public record TierStats(String tier, long hits, long misses, long evictions, long bytes, long entries,
                        long skipped) {
}
