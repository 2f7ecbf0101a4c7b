package io.needlestack.storage.store;

import java.util.Map;

/**
 * One stored needle as the index knows it: enough to answer HEAD without touching the
 * container, and to open the data with one positioned read.
 *
 * @param key          logical name
 * @param hlc          hybrid logical clock timestamp of the write
 * @param versionId    version id
 * @param tombstone    true for a delete marker
 * @param metadata     metadata as written
 * @param dataLength   number of data bytes
 * @param md5Hex       lower-case hex MD5 of the data
 * @param crc32c       CRC32C of the data
 * @param containerId  container holding the needle
 * @param offset       byte offset of the needle in its container
 * @param needleLength total length of the needle on disk, padding included
 */
public record NeedleRecord(NeedleKey key, long hlc, String versionId, boolean tombstone,
                           Map<String, String> metadata, long dataLength, String md5Hex, int crc32c,
                           int containerId, long offset, long needleLength) implements java.io.Serializable {
    public NeedleRecord {
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
    }
}
