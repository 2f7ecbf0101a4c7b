package io.needlestack.gateway.internal;

import io.needlestack.storage.store.NeedleRecord;

/**
 * What a digest read returns: which version a replica holds and its checksums, no data. A read
 * with R &gt; 1 fetches data from one replica and only this from the others.
 *
 * @param hlc        hybrid logical clock timestamp of the version
 * @param versionId  version id
 * @param tombstone  true for a delete marker
 * @param dataLength number of data bytes
 * @param md5Hex     lower-case hex MD5 of the data
 * @param crc32c     CRC32C of the data
 */
public record NeedleDigest(long hlc, String versionId, boolean tombstone, long dataLength, String md5Hex,
                           int crc32c) {

    /** The digest of a record. */
    public static NeedleDigest of(NeedleRecord r) {
        return new NeedleDigest(r.hlc(), r.versionId(), r.tombstone(), r.dataLength(), r.md5Hex(), r.crc32c());
    }
}
