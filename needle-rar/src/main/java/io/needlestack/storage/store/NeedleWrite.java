package io.needlestack.storage.store;

import java.util.Map;
import java.util.Objects;

/**
 * Everything about a needle except its data bytes, as handed to
 * {@link NeedleConnection#put(NeedleWrite, java.io.InputStream, long)}.
 *
 * @param key       the logical name
 * @param hlc       hybrid logical clock timestamp of the write; the newest wins everywhere
 * @param versionId the version id (S3's "null" for unversioned writes is still stored as given)
 * @param tombstone true for a delete marker (no data)
 * @param metadata  system and user metadata, stored verbatim (keys and values are strings)
 */
public record NeedleWrite(NeedleKey key, long hlc, String versionId, boolean tombstone,
                          Map<String, String> metadata) implements java.io.Serializable {
    public NeedleWrite {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(versionId, "versionId");
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
    }
}
