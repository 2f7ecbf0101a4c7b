package io.needlestack.gateway.object;

import io.needlestack.core.clock.HybridLogicalClock;
import io.needlestack.storage.store.NeedleRecord;
import java.time.Instant;
import java.util.Map;

/**
 * One S3 object as the object layer sees it: its newest needle and what the metadata says.
 *
 * @param bucket bucket name
 * @param key    object key
 * @param record the object's needle (inline data or a manifest)
 */
public record StoredObject(String bucket, String key, NeedleRecord record) {

    /** Logical size in bytes. */
    public long size() {
        String s = record.metadata().get(ObjectAttributes.SIZE);
        return s != null ? Long.parseLong(s) : record.dataLength();
    }

    /** The ETag without quotes. */
    public String etag() {
        String e = record.metadata().get(ObjectAttributes.ETAG);
        return e != null ? e : record.md5Hex();
    }

    /** Whether the data is held in chunks listed by a manifest. */
    public boolean chunked() {
        return "1".equals(record.metadata().get(ObjectAttributes.MANIFEST));
    }

    /** When the object was written (the write's HLC, in milliseconds). */
    public Instant lastModified() {
        return Instant.ofEpochMilli(HybridLogicalClock.millis(record.hlc()));
    }

    /** The owner's user id. */
    public String owner() {
        return record.metadata().get(ObjectAttributes.OWNER);
    }

    /** All stored metadata. */
    public Map<String, String> metadata() {
        return record.metadata();
    }
}
