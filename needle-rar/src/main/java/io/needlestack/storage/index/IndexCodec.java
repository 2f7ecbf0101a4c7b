package io.needlestack.storage.index;

import io.needlestack.storage.needle.NeedleFormat;
import io.needlestack.storage.store.CorruptNeedleException;
import io.needlestack.storage.store.NeedleKey;
import io.needlestack.storage.store.NeedleKind;
import io.needlestack.storage.store.NeedleRecord;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Map;

/**
 * Keys and values of the index, version {@value #INDEX_VERSION}.
 *
 * <pre>
 * entry key   = kind code (1) | bucket (UTF-8) | 0x00 | name (UTF-8) | 0x00
 *               | Long.MAX_VALUE - hlc (8, big-endian) | version id (UTF-8)
 * entry value = INDEX_VERSION (1) | container id (4) | offset (8) | needle length (8)
 *               | data length (8) | MD5 (16) | CRC32C (4) | needle flags (2) | metadata (codec of NeedleFormat)
 * checkpoint  = 0x01 'C' | container id (4)  ->  incarnation (8) | indexed end offset (8)
 * version     = 0x01 'V'                     ->  INDEX_VERSION (4)
 * </pre>
 * Kind codes are ASCII letters, so the 0x01 records never fall inside a listing. Neither bucket nor
 * name may contain NUL (refused at write), so 0x00 ends them and shorter names sort first.
 */
final class IndexCodec {
    static final byte INDEX_VERSION = 1;
    static final byte[] VERSION_KEY = {0x01, 'V'};
    private static final int FIXED_VALUE = 1 + 4 + 8 + 8 + 8 + 16 + 4 + 2;

    private IndexCodec() {
    }

    /** An index entry decoded. */
    record Entry(byte[] key, NeedleRecord record, int flags) {
        boolean replacesOlder() {
            return (flags & NeedleFormat.FLAG_REPLACES_OLDER) != 0;
        }
    }

    /** kind | bucket | 0x00 | name | 0x00 : all versions of one key. */
    static byte[] keyPrefix(NeedleKey key) {
        return namePrefix(key.kind(), key.bucket(), NeedleFormat.keyPart(key.name(), "name"), true);
    }

    /** kind | bucket | 0x00 | namePrefix [| 0x00 when terminated]. */
    static byte[] namePrefix(NeedleKind kind, String bucket, byte[] name, boolean terminated) {
        byte[] b = NeedleFormat.keyPart(bucket, "bucket");
        ByteBuffer buf = ByteBuffer.allocate(1 + b.length + 1 + name.length + (terminated ? 1 : 0));
        buf.put(kind.code()).put(b).put((byte) 0).put(name);
        if (terminated) {
            buf.put((byte) 0);
        }
        return buf.array();
    }

    static byte[] entryKey(NeedleKey key, long hlc, String versionId) {
        byte[] prefix = keyPrefix(key);
        byte[] v = NeedleFormat.keyPart(versionId, "versionId");
        return ByteBuffer.allocate(prefix.length + 8 + v.length).order(ByteOrder.BIG_ENDIAN)
                .put(prefix).putLong(Long.MAX_VALUE - hlc).put(v).array();
    }

    static byte[] entryValue(NeedleRecord r, int flags) {
        byte[] meta = NeedleFormat.encodeMetadata(r.metadata());
        return ByteBuffer.allocate(FIXED_VALUE + meta.length).order(ByteOrder.BIG_ENDIAN)
                .put(INDEX_VERSION).putInt(r.containerId()).putLong(r.offset()).putLong(r.needleLength())
                .putLong(r.dataLength()).put(HexFormat.of().parseHex(r.md5Hex())).putInt(r.crc32c())
                .putShort((short) flags).put(meta).array();
    }

    /** Where in an entry's value the container id is (an int), then the needle's offset (a long). */
    static final int VALUE_CONTAINER = 1;
    static final int VALUE_OFFSET = VALUE_CONTAINER + 4;
    static final int VALUE_NEEDLE_LENGTH = VALUE_OFFSET + 8;

    /** Whether an entry's value names the needle at {@code offset} of {@code containerId}. */
    static boolean pointsAt(byte[] value, int containerId, long offset) {
        ByteBuffer v = ByteBuffer.wrap(value).order(ByteOrder.BIG_ENDIAN);
        return value.length >= FIXED_VALUE && v.get(0) == INDEX_VERSION && v.getInt(VALUE_CONTAINER) == containerId
                && v.getLong(VALUE_OFFSET) == offset;
    }

    /**
     * The value with its needle offset replaced, when it points at {@code offset} of {@code containerId};
     * null when it points elsewhere.
     */
    static byte[] relocated(byte[] value, int containerId, long offset, long newOffset) {
        if (!pointsAt(value, containerId, offset)) {
            return null;
        }
        byte[] out = value.clone();
        ByteBuffer.wrap(out).order(ByteOrder.BIG_ENDIAN).putLong(VALUE_OFFSET, newOffset);
        return out;
    }

    static Entry decode(byte[] key, byte[] value) {
        try {
            NeedleKind kind = NeedleKind.ofCode(key[0]);
            int bucketEnd = indexOf(key, 1);
            int nameEnd = indexOf(key, bucketEnd + 1);
            String bucket = new String(key, 1, bucketEnd - 1, StandardCharsets.UTF_8);
            String name = new String(key, bucketEnd + 1, nameEnd - bucketEnd - 1, StandardCharsets.UTF_8);
            ByteBuffer k = ByteBuffer.wrap(key).order(ByteOrder.BIG_ENDIAN);
            long hlc = Long.MAX_VALUE - k.getLong(nameEnd + 1);
            String versionId = new String(key, nameEnd + 9, key.length - nameEnd - 9, StandardCharsets.UTF_8);
            ByteBuffer v = ByteBuffer.wrap(value).order(ByteOrder.BIG_ENDIAN);
            if (v.get() != INDEX_VERSION) {
                throw new CorruptNeedleException("index entry of an unknown version");
            }
            int container = v.getInt();
            long offset = v.getLong();
            long needleLength = v.getLong();
            long dataLength = v.getLong();
            byte[] md5 = new byte[16];
            v.get(md5);
            int crc = v.getInt();
            int flags = Short.toUnsignedInt(v.getShort());
            Map<String, String> meta = NeedleFormat.decodeMetadata(v);
            NeedleRecord r = new NeedleRecord(new NeedleKey(kind, bucket, name), hlc, versionId,
                    (flags & NeedleFormat.FLAG_TOMBSTONE) != 0, meta, dataLength, HexFormat.of().formatHex(md5), crc,
                    container, offset, needleLength);
            return new Entry(key, r, flags);
        } catch (RuntimeException e) {
            if (e instanceof CorruptNeedleException c) {
                throw c;
            }
            throw new CorruptNeedleException("undecodable index entry", e);
        }
    }

    static byte[] checkpointKey(int containerId) {
        return ByteBuffer.allocate(6).put((byte) 0x01).put((byte) 'C').putInt(containerId).array();
    }

    static byte[] checkpointValue(long incarnation, long end) {
        return ByteBuffer.allocate(16).putLong(incarnation).putLong(end).array();
    }

    private static int indexOf(byte[] b, int from) {
        for (int i = from; i < b.length; i++) {
            if (b[i] == 0) {
                return i;
            }
        }
        throw new CorruptNeedleException("index key without separator");
    }

    /**
     * The smallest key that sorts after every key starting with {@code prefix} (unsigned byte
     * order): trailing 0xFF bytes dropped, the last byte left incremented. Null when there is
     * none (the prefix is empty or all 0xFF).
     */
    static byte[] successor(byte[] prefix) {
        int n = prefix.length;
        while (n > 0 && prefix[n - 1] == (byte) 0xFF) {
            n--;
        }
        if (n == 0) {
            return null;
        }
        byte[] out = java.util.Arrays.copyOf(prefix, n);
        out[n - 1]++;
        return out;
    }

    static boolean startsWith(byte[] key, byte[] prefix) {
        if (key.length < prefix.length) {
            return false;
        }
        return java.util.Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length);
    }
}
