package io.needlestack.storage.store;

/**
 * A stored version whose bytes on this node failed their checksums (or are no longer where the
 * index says), found by a read, a scrub or a compaction. While it is listed, this node refuses to
 * serve that version ({@link CorruptNeedleException} at once, so a coordinator reads another
 * replica); {@link NeedleConnection#repairDamaged} replaces it with a verified copy.
 *
 * @param record        the version as the index knows it (key, HLC, version id, metadata, MD5, length)
 * @param replacesOlder whether the version was written to replace older versions (kept by the repair)
 * @param foundBy       {@code read}, {@code scrub} or {@code compaction}
 * @param foundAtMillis when it was found (epoch ms)
 * @param detail        what did not match
 */
public record DamagedNeedle(NeedleRecord record, boolean replacesOlder, String foundBy, long foundAtMillis,
                            String detail) implements java.io.Serializable {
}
