package io.needlestack.gateway.object.cache;

import io.needlestack.storage.store.NeedleKind;
import io.needlestack.storage.store.NeedleRecord;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The identity of one stored version, which is what a cache entry is found by: two records with
 * equal identities have equal bytes (the version id is the HLC plus random bits, chunk names are
 * unique per version, and the CRC32C is checked when an entry is filled and when a disk entry
 * is read).
 *
 * @param kind      needle kind (objects and chunks are cached)
 * @param bucket    bucket
 * @param name      object key or chunk name
 * @param versionId version id
 * @param hlc       the write's HLC
 * @param md5Hex    MD5 of the data, lower-case hex
 * @param crc32c    CRC32C of the data, as the needle records it: what cached bytes are checked
 *                  against (hardware-assisted, some ten times cheaper than MD5, which cost two
 *                  thirds of a 1 MiB GET that filled the cache)
 */
record VersionKey(NeedleKind kind, String bucket, String name, String versionId, long hlc, String md5Hex, int crc32c) {

    static VersionKey of(NeedleRecord r) {
        return new VersionKey(r.key().kind(), r.key().bucket(), r.key().name(), r.versionId(), r.hlc(), r.md5Hex(),
                r.crc32c());
    }

    /**
     * Where an entry lives: one per name, so an overwrite replaces the previous version's entry
     * instead of leaving it to age out.
     */
    String slot() {
        return slot(kind, bucket, name);
    }

    /** The slot of a name ({@link #slot()}), for finding entries by name whatever their version. */
    static String slot(NeedleKind kind, String bucket, String name) {
        return kind + "\u0000" + bucket + "\u0000" + name;
    }

    /** A file name unique to this version (SHA-256 of the whole identity), safe on any file system. */
    String fileName() {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] d = sha.digest((slot() + "\u0000" + versionId + "\u0000" + hlc + "\u0000" + md5Hex)
                    .getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
