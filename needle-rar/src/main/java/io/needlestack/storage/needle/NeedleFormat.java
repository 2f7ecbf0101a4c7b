package io.needlestack.storage.needle;

import io.needlestack.storage.store.CorruptNeedleException;
import io.needlestack.storage.store.NeedleKind;
import io.needlestack.storage.store.NeedleWrite;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.CRC32C;

/**
 * The byte layout of container files and needles, version {@value #FORMAT_VERSION}. All integers
 * are big-endian and unsigned where a length; every offset below is derived from the one before
 * it, so the constants cannot drift from each other ({@code NeedleFormatTest} checks this table
 * against them).
 *
 * <h2>Container superblock (at offset 0 of every container file)</h2>
 * <pre>
 * | offset | length | field          | meaning                                              |
 * |--------|--------|----------------|------------------------------------------------------|
 * | 0      | 8      | SB_MAGIC       | {@link #SUPERBLOCK_MAGIC} "NDLSTCK1"                 |
 * | 8      | 2      | SB_VERSION     | {@link #FORMAT_VERSION}                              |
 * | 10     | 2      | SB_RESERVED    | zero                                                 |
 * | 12     | 4      | SB_CONTAINER   | container id                                         |
 * | 16     | 8      | SB_INCARNATION | random id of this file, so an index entry never      |
 * |        |        |                | trusts a re-created file of the same id              |
 * | 24     | 4      | SB_CRC         | CRC32C of bytes 0..23                                |
 * | 28     | 4      | SB_PAD         | zero; needles start 8-aligned at {@link #SUPERBLOCK_LENGTH} |
 * </pre>
 *
 * <h2>Needle header (at the needle's offset, always a multiple of 8)</h2>
 * <pre>
 * | offset | length | field          | meaning                                              |
 * |--------|--------|----------------|------------------------------------------------------|
 * | 0      | 4      | MAGIC          | {@link #MAGIC} "NDL1"                                |
 * | 4      | 2      | VERSION        | {@link #FORMAT_VERSION}                              |
 * | 6      | 2      | FLAGS          | {@link #FLAG_TOMBSTONE}, {@link #FLAG_REPLACES_OLDER} |
 * | 8      | 1      | KIND           | {@link NeedleKind#code()}                            |
 * | 9      | 1      | RESERVED       | zero                                                 |
 * | 10     | 2      | BUCKET_LENGTH  | bytes of the UTF-8 bucket                            |
 * | 12     | 2      | NAME_LENGTH    | bytes of the UTF-8 name                              |
 * | 14     | 2      | VERSION_ID_LENGTH | bytes of the UTF-8 version id                     |
 * | 16     | 4      | METADATA_LENGTH | bytes of the encoded metadata                       |
 * | 20     | 8      | HLC            | hybrid logical clock timestamp of the write          |
 * | 28     | 8      | DATA_LENGTH    | bytes of data                                        |
 * | 36     | 4      | HEADER_CRC     | CRC32C of bytes 0..35: a scan trusts no length       |
 * |        |        |                | before this matches                                  |
 * </pre>
 * Then, from {@link #HEADER_LENGTH}: bucket, name, version id (UTF-8), metadata (codec below),
 * data; then the footer at {@code HEADER_LENGTH + bucket + name + versionId + metadata + data}:
 * <pre>
 * | offset | length | field          | meaning                                              |
 * |--------|--------|----------------|------------------------------------------------------|
 * | 0      | 16     | FOOTER_MD5     | MD5 of the data (the S3 ETag of a simple PUT)        |
 * | 16     | 4      | FOOTER_DATA_CRC | CRC32C of the data                                  |
 * | 20     | 4      | FOOTER_NEEDLE_CRC | CRC32C of the needle from its byte 0 through      |
 * |        |        |                | FOOTER_DATA_CRC                                      |
 * | 24     | 4      | FOOTER_MAGIC   | {@link #FOOTER_MAGIC} "END1"                         |
 * </pre>
 * then zero bytes up to the next multiple of {@link #ALIGNMENT} (checked to be zero on a scan).
 *
 * <h2>Metadata codec</h2>
 * {@code u32 count}, then per entry, in ascending order of key: {@code u16 keyLength, key (UTF-8),
 * u32 valueLength, value (UTF-8)}. An empty map is 4 zero bytes. At most
 * {@link #MAX_METADATA_LENGTH} bytes.
 */
public final class NeedleFormat {

    /** Version of this layout; written in every superblock and needle header. */
    public static final short FORMAT_VERSION = 1;
    /** First 4 bytes of every needle: "NDL1". */
    public static final int MAGIC = 0x4E44_4C31;
    /** Last field of every footer: "END1". */
    public static final int FOOTER_MAGIC = 0x454E_4431;
    /** First 8 bytes of every container file: "NDLSTCK1". */
    public static final long SUPERBLOCK_MAGIC = 0x4E44_4C53_5443_4B31L;
    /** Needles start and end on multiples of this. */
    public static final int ALIGNMENT = 8;

    /** Flag: the needle is a tombstone (delete marker); it has no data. */
    public static final int FLAG_TOMBSTONE = 1;
    /**
     * Flag: the write replaces every older version of its key (an unversioned bucket,
     * {@code keepOlderVersions=false}); kept on disk so that a rebuilt index drops them too.
     */
    public static final int FLAG_REPLACES_OLDER = 1 << 1;
    static final int KNOWN_FLAGS = FLAG_TOMBSTONE | FLAG_REPLACES_OLDER;

    /** Longest bucket, name or version id in bytes (an unsigned 16-bit length). */
    public static final int MAX_STRING_LENGTH = 0xFFFF;
    /** Longest encoded metadata in bytes. */
    public static final int MAX_METADATA_LENGTH = 1 << 20;

    // Superblock.
    static final int LEN_SB_MAGIC = 8;
    static final int LEN_SB_VERSION = 2;
    static final int LEN_SB_RESERVED = 2;
    static final int LEN_SB_CONTAINER = 4;
    static final int LEN_SB_INCARNATION = 8;
    static final int LEN_SB_CRC = 4;
    static final int LEN_SB_PAD = 4;
    static final int OFF_SB_MAGIC = 0;
    static final int OFF_SB_VERSION = OFF_SB_MAGIC + LEN_SB_MAGIC;
    static final int OFF_SB_RESERVED = OFF_SB_VERSION + LEN_SB_VERSION;
    static final int OFF_SB_CONTAINER = OFF_SB_RESERVED + LEN_SB_RESERVED;
    static final int OFF_SB_INCARNATION = OFF_SB_CONTAINER + LEN_SB_CONTAINER;
    static final int OFF_SB_CRC = OFF_SB_INCARNATION + LEN_SB_INCARNATION;
    static final int OFF_SB_PAD = OFF_SB_CRC + LEN_SB_CRC;
    /** Length of the superblock; the first needle starts here. */
    public static final int SUPERBLOCK_LENGTH = OFF_SB_PAD + LEN_SB_PAD;

    // Header.
    static final int LEN_MAGIC = 4;
    static final int LEN_VERSION = 2;
    static final int LEN_FLAGS = 2;
    static final int LEN_KIND = 1;
    static final int LEN_RESERVED = 1;
    static final int LEN_BUCKET_LENGTH = 2;
    static final int LEN_NAME_LENGTH = 2;
    static final int LEN_VERSION_ID_LENGTH = 2;
    static final int LEN_METADATA_LENGTH = 4;
    static final int LEN_HLC = 8;
    static final int LEN_DATA_LENGTH = 8;
    static final int LEN_HEADER_CRC = 4;
    static final int OFF_MAGIC = 0;
    static final int OFF_VERSION = OFF_MAGIC + LEN_MAGIC;
    static final int OFF_FLAGS = OFF_VERSION + LEN_VERSION;
    static final int OFF_KIND = OFF_FLAGS + LEN_FLAGS;
    static final int OFF_RESERVED = OFF_KIND + LEN_KIND;
    static final int OFF_BUCKET_LENGTH = OFF_RESERVED + LEN_RESERVED;
    static final int OFF_NAME_LENGTH = OFF_BUCKET_LENGTH + LEN_BUCKET_LENGTH;
    static final int OFF_VERSION_ID_LENGTH = OFF_NAME_LENGTH + LEN_NAME_LENGTH;
    static final int OFF_METADATA_LENGTH = OFF_VERSION_ID_LENGTH + LEN_VERSION_ID_LENGTH;
    static final int OFF_HLC = OFF_METADATA_LENGTH + LEN_METADATA_LENGTH;
    static final int OFF_DATA_LENGTH = OFF_HLC + LEN_HLC;
    static final int OFF_HEADER_CRC = OFF_DATA_LENGTH + LEN_DATA_LENGTH;
    /** Length of the fixed needle header; the bucket starts here. */
    public static final int HEADER_LENGTH = OFF_HEADER_CRC + LEN_HEADER_CRC;

    // Footer (offsets relative to the footer's start).
    static final int LEN_FOOTER_MD5 = 16;
    static final int LEN_FOOTER_DATA_CRC = 4;
    static final int LEN_FOOTER_NEEDLE_CRC = 4;
    static final int LEN_FOOTER_MAGIC = 4;
    static final int OFF_FOOTER_MD5 = 0;
    static final int OFF_FOOTER_DATA_CRC = OFF_FOOTER_MD5 + LEN_FOOTER_MD5;
    static final int OFF_FOOTER_NEEDLE_CRC = OFF_FOOTER_DATA_CRC + LEN_FOOTER_DATA_CRC;
    static final int OFF_FOOTER_MAGIC = OFF_FOOTER_NEEDLE_CRC + LEN_FOOTER_NEEDLE_CRC;
    /** Length of the footer, padding excluded. */
    public static final int FOOTER_LENGTH = OFF_FOOTER_MAGIC + LEN_FOOTER_MAGIC;

    /** Size of the buffer a scan streams data through; bounds its memory whatever the needle size. */
    static final int SCAN_BUFFER = 64 * 1024;

    private NeedleFormat() {
    }

    /** Where a reader gets bytes: a positioned read, as {@link java.nio.channels.FileChannel#read(ByteBuffer, long)}. */
    @FunctionalInterface
    public interface PositionedSource {
        /** Reads into {@code dst} from {@code position}; returns -1 at end of file. */
        int read(ByteBuffer dst, long position) throws IOException;
    }

    /**
     * The fixed header of a needle, validated.
     *
     * @param flags            flag bits
     * @param kind             needle kind
     * @param bucketLength     UTF-8 bytes of the bucket
     * @param nameLength       UTF-8 bytes of the name
     * @param versionIdLength  UTF-8 bytes of the version id
     * @param metadataLength   bytes of the encoded metadata
     * @param hlc              HLC timestamp
     * @param dataLength       bytes of data
     */
    public record Header(int flags, NeedleKind kind, int bucketLength, int nameLength, int versionIdLength,
                         int metadataLength, long hlc, long dataLength) {
        /** True for a tombstone. */
        public boolean tombstone() {
            return (flags & FLAG_TOMBSTONE) != 0;
        }

        /** True when the write replaced every older version of its key. */
        public boolean replacesOlder() {
            return (flags & FLAG_REPLACES_OLDER) != 0;
        }

        /** Offset of the data from the needle's start. */
        public long dataOffset() {
            return (long) HEADER_LENGTH + bucketLength + nameLength + versionIdLength + metadataLength;
        }

        /** Offset of the footer from the needle's start. */
        public long footerOffset() {
            return dataOffset() + dataLength;
        }

        /** Total bytes of the needle on disk, padding included. */
        public long needleLength() {
            return padded(footerOffset() + FOOTER_LENGTH);
        }
    }

    /**
     * The encoded start of a needle: header and the variable fields before the data.
     *
     * @param header the header
     * @param bytes  header, bucket, name, version id and metadata, ready to write
     */
    public record Prefix(Header header, byte[] bytes) {
    }

    /**
     * A needle read back and verified in full.
     *
     * @param offset    where it starts in its container
     * @param header    its header
     * @param bucket    bucket
     * @param name      name
     * @param versionId version id
     * @param metadata  metadata
     * @param md5       MD5 of the data (16 bytes)
     * @param dataCrc   CRC32C of the data
     */
    public record Needle(long offset, Header header, String bucket, String name, String versionId,
                         Map<String, String> metadata, byte[] md5, int dataCrc) {
        /** Offset just past this needle (where the next one starts). */
        public long end() {
            return offset + header.needleLength();
        }
    }

    /**
     * A validated superblock.
     *
     * @param containerId container id
     * @param incarnation random id of the file
     */
    public record Superblock(int containerId, long incarnation) {
    }

    /** Rounds up to a multiple of {@link #ALIGNMENT}. */
    public static long padded(long length) {
        return (length + ALIGNMENT - 1) & -ALIGNMENT;
    }

    /** Total needle length for a prefix of {@code prefixLength} bytes and {@code dataLength} data bytes. */
    public static long needleLength(int prefixLength, long dataLength) {
        return padded(prefixLength + dataLength + FOOTER_LENGTH);
    }

    // ---------------------------------------------------------------- superblock

    /** The superblock of a new container file. */
    public static ByteBuffer encodeSuperblock(int containerId, long incarnation) {
        ByteBuffer b = ByteBuffer.allocate(SUPERBLOCK_LENGTH).order(ByteOrder.BIG_ENDIAN);
        b.putLong(OFF_SB_MAGIC, SUPERBLOCK_MAGIC);
        b.putShort(OFF_SB_VERSION, FORMAT_VERSION);
        b.putInt(OFF_SB_CONTAINER, containerId);
        b.putLong(OFF_SB_INCARNATION, incarnation);
        b.putInt(OFF_SB_CRC, crc(b.array(), 0, OFF_SB_CRC));
        return b;
    }

    /** Validates a superblock ({@link #SUPERBLOCK_LENGTH} bytes from the buffer's position). */
    public static Superblock decodeSuperblock(ByteBuffer buffer) {
        ByteBuffer b = slice(buffer, SUPERBLOCK_LENGTH, "superblock");
        if (b.getLong(OFF_SB_MAGIC) != SUPERBLOCK_MAGIC) {
            throw new CorruptNeedleException("not a needle container: bad superblock magic");
        }
        if (b.getInt(OFF_SB_CRC) != crc(b, 0, OFF_SB_CRC)) {
            throw new CorruptNeedleException("superblock checksum mismatch");
        }
        if (b.getShort(OFF_SB_VERSION) != FORMAT_VERSION) {
            throw new CorruptNeedleException("unsupported container format version " + b.getShort(OFF_SB_VERSION));
        }
        if (b.getShort(OFF_SB_RESERVED) != 0 || b.getInt(OFF_SB_PAD) != 0) {
            throw new CorruptNeedleException("superblock reserved bytes not zero");
        }
        return new Superblock(b.getInt(OFF_SB_CONTAINER), b.getLong(OFF_SB_INCARNATION));
    }

    // ---------------------------------------------------------------- writing

    /**
     * Encodes everything of a needle that precedes its data.
     *
     * @param write          header fields
     * @param replacesOlder  true for {@code keepOlderVersions=false}
     * @param dataLength     data bytes that will follow (0 for a tombstone)
     * @throws IllegalArgumentException when a field is too long, not valid UTF-8, or contains NUL
     */
    public static Prefix encodePrefix(NeedleWrite write, boolean replacesOlder, long dataLength) {
        if (dataLength < 0 || (write.tombstone() && dataLength != 0)) {
            throw new IllegalArgumentException("bad data length " + dataLength);
        }
        if (write.hlc() < 0) {
            throw new IllegalArgumentException("negative HLC " + write.hlc());
        }
        byte[] bucket = keyPart(write.key().bucket(), "bucket");
        byte[] name = keyPart(write.key().name(), "name");
        byte[] version = keyPart(write.versionId(), "versionId");
        byte[] meta = encodeMetadata(write.metadata());
        int flags = (write.tombstone() ? FLAG_TOMBSTONE : 0) | (replacesOlder ? FLAG_REPLACES_OLDER : 0);
        Header h = new Header(flags, write.key().kind(), bucket.length, name.length, version.length, meta.length,
                write.hlc(), dataLength);
        ByteBuffer b = ByteBuffer.allocate(Math.toIntExact(h.dataOffset())).order(ByteOrder.BIG_ENDIAN);
        b.putInt(OFF_MAGIC, MAGIC);
        b.putShort(OFF_VERSION, FORMAT_VERSION);
        b.putShort(OFF_FLAGS, (short) flags);
        b.put(OFF_KIND, write.key().kind().code());
        b.putShort(OFF_BUCKET_LENGTH, (short) bucket.length);
        b.putShort(OFF_NAME_LENGTH, (short) name.length);
        b.putShort(OFF_VERSION_ID_LENGTH, (short) version.length);
        b.putInt(OFF_METADATA_LENGTH, meta.length);
        b.putLong(OFF_HLC, write.hlc());
        b.putLong(OFF_DATA_LENGTH, dataLength);
        b.putInt(OFF_HEADER_CRC, crc(b.array(), 0, OFF_HEADER_CRC));
        b.position(HEADER_LENGTH);
        b.put(bucket).put(name).put(version).put(meta);
        return new Prefix(h, b.array());
    }

    /**
     * Computes the footer while a needle's data streams past: feed the data to {@link #update},
     * then take the footer and padding from {@link #footer()}. One per needle.
     */
    public static final class Digests {
        private final CRC32C needleCrc = new CRC32C();
        private final CRC32C dataCrc = new CRC32C();
        private final MessageDigest md5 = md5();
        private final Header header;
        private long seen;

        /** Starts the needle checksum with the needle's prefix. */
        public Digests(Prefix prefix) {
            needleCrc.update(prefix.bytes(), 0, prefix.bytes().length);
            this.header = prefix.header();
        }

        /** Adds data bytes. */
        public void update(byte[] b, int off, int len) {
            needleCrc.update(b, off, len);
            dataCrc.update(b, off, len);
            md5.update(b, off, len);
            seen += len;
        }

        /** Adds the buffer's remaining data bytes; its position moves to its limit. */
        public void update(ByteBuffer b) {
            needleCrc.update(b.duplicate());
            dataCrc.update(b.duplicate());
            seen += b.remaining();
            md5.update(b);
        }

        /** Data bytes seen so far. */
        public long seen() {
            return seen;
        }

        /**
         * The footer and zero padding (position 0, limit at the needle's end); call once, after
         * exactly the announced number of data bytes.
         */
        public ByteBuffer footer() {
            if (seen != header.dataLength()) {
                throw new IllegalStateException("saw " + seen + " data bytes, expected " + header.dataLength());
            }
            int length = (int) (header.needleLength() - header.footerOffset());
            ByteBuffer b = ByteBuffer.allocate(length).order(ByteOrder.BIG_ENDIAN);
            b.put(OFF_FOOTER_MD5, md5.digest());
            b.putInt(OFF_FOOTER_DATA_CRC, (int) dataCrc.getValue());
            needleCrc.update(b.array(), 0, OFF_FOOTER_NEEDLE_CRC);
            b.putInt(OFF_FOOTER_NEEDLE_CRC, (int) needleCrc.getValue());
            b.putInt(OFF_FOOTER_MAGIC, FOOTER_MAGIC);
            return b;
        }
    }

    /** The MD5 of the data, from a footer made by {@link Digests#footer()}. */
    public static byte[] footerMd5(ByteBuffer footer) {
        byte[] m = new byte[LEN_FOOTER_MD5];
        footer.get(OFF_FOOTER_MD5, m);
        return m;
    }

    /** The CRC32C of the data, from a footer made by {@link Digests#footer()}. */
    public static int footerDataCrc(ByteBuffer footer) {
        return footer.getInt(OFF_FOOTER_DATA_CRC);
    }

    // ---------------------------------------------------------------- reading

    /** Validates a header ({@link #HEADER_LENGTH} bytes from the buffer's position). */
    public static Header decodeHeader(ByteBuffer buffer) {
        ByteBuffer b = slice(buffer, HEADER_LENGTH, "header");
        if (b.getInt(OFF_MAGIC) != MAGIC) {
            throw new CorruptNeedleException("bad needle magic");
        }
        if (b.getInt(OFF_HEADER_CRC) != crc(b, 0, OFF_HEADER_CRC)) {
            throw new CorruptNeedleException("needle header checksum mismatch");
        }
        if (b.getShort(OFF_VERSION) != FORMAT_VERSION) {
            throw new CorruptNeedleException("unsupported needle format version " + b.getShort(OFF_VERSION));
        }
        int flags = Short.toUnsignedInt(b.getShort(OFF_FLAGS));
        if ((flags & ~KNOWN_FLAGS) != 0 || b.get(OFF_RESERVED) != 0) {
            throw new CorruptNeedleException("unknown needle flags or reserved bytes set");
        }
        NeedleKind kind;
        try {
            kind = NeedleKind.ofCode(b.get(OFF_KIND));
        } catch (IllegalArgumentException e) {
            throw new CorruptNeedleException("unknown needle kind", e);
        }
        int metadataLength = b.getInt(OFF_METADATA_LENGTH);
        long dataLength = b.getLong(OFF_DATA_LENGTH);
        long hlc = b.getLong(OFF_HLC);
        if (metadataLength < 4 || metadataLength > MAX_METADATA_LENGTH || dataLength < 0 || hlc < 0
                || ((flags & FLAG_TOMBSTONE) != 0 && dataLength != 0)) {
            throw new CorruptNeedleException("needle header lengths out of range");
        }
        return new Header(flags, kind, Short.toUnsignedInt(b.getShort(OFF_BUCKET_LENGTH)),
                Short.toUnsignedInt(b.getShort(OFF_NAME_LENGTH)), Short.toUnsignedInt(b.getShort(OFF_VERSION_ID_LENGTH)),
                metadataLength, hlc, dataLength);
    }

    /** A needle's header as read ({@code bytes}, which the needle checksum covers) and decoded. */
    private record Start(ByteBuffer bytes, Header header) {
    }

    /**
     * Reads and decodes the header of the needle at {@code offset}, refused as torn when the
     * header, or the needle its (verified) lengths describe, reaches past {@code limit}.
     */
    private static Start readStart(PositionedSource source, long offset, long limit) throws IOException {
        if (offset + HEADER_LENGTH > limit) {
            throw new CorruptNeedleException("torn needle header at " + offset);
        }
        ByteBuffer hb = readFully(source, offset, HEADER_LENGTH);
        Header h = decodeHeader(hb);
        if (offset + h.needleLength() > limit) {
            throw new CorruptNeedleException("torn needle at " + offset + ": needs " + h.needleLength()
                    + " bytes, " + (limit - offset) + " present");
        }
        return new Start(hb, h);
    }

    /**
     * A needle's identity as its header and names give it, without its data: what a scan needs to
     * decide whether the needle is still wanted before it pays for reading and verifying all of it.
     *
     * @param offset    where it starts
     * @param header    its header (checksum verified, so its lengths can be trusted to skip it)
     * @param bucket    bucket
     * @param name      name
     * @param versionId version id
     */
    public record Head(long offset, Header header, String bucket, String name, String versionId) {
        /** The needle's logical name. */
        public io.needlestack.storage.store.NeedleKey key() {
            return new io.needlestack.storage.store.NeedleKey(header.kind(), bucket, name);
        }

        /** Offset just past the needle. */
        public long end() {
            return offset + header.needleLength();
        }
    }

    /**
     * Reads a needle's header (verified) and names, not its metadata, data or footer; the names
     * are covered only by the needle checksum, which {@link #read} verifies.
     *
     * @throws CorruptNeedleException when the header does not verify or the needle reaches past {@code limit}
     */
    public static Head readHead(PositionedSource source, long offset, long limit) throws IOException {
        Header h = readStart(source, offset, limit).header();
        ByteBuffer vb = readFully(source, offset + HEADER_LENGTH, h.bucketLength() + h.nameLength() + h.versionIdLength());
        return new Head(offset, h, utf8(vb, h.bucketLength()), utf8(vb, h.nameLength()), utf8(vb, h.versionIdLength()));
    }

    /**
     * Reads and verifies a whole needle: header checksum, fields, data checksums, needle checksum,
     * footer magic and zero padding. Memory stays bounded ({@link #SCAN_BUFFER}) whatever the data length.
     *
     * @param source where to read
     * @param offset where the needle starts
     * @param limit  end of the readable bytes (the file size): a needle reaching past it is torn
     * @throws CorruptNeedleException when anything does not match
     * @throws IOException            when reading fails
     */
    public static Needle read(PositionedSource source, long offset, long limit) throws IOException {
        Start start = readStart(source, offset, limit);
        ByteBuffer hb = start.bytes();
        Header h = start.header();
        int varLength = Math.toIntExact(h.dataOffset() - HEADER_LENGTH);
        ByteBuffer vb = readFully(source, offset + HEADER_LENGTH, varLength);
        CRC32C needleCrc = new CRC32C();
        needleCrc.update(hb.array(), 0, HEADER_LENGTH);
        needleCrc.update(vb.array(), 0, varLength);
        String bucket = utf8(vb, h.bucketLength());
        String name = utf8(vb, h.nameLength());
        String versionId = utf8(vb, h.versionIdLength());
        ByteBuffer meta = vb.slice();
        CRC32C dataCrc = new CRC32C();
        MessageDigest md5 = md5();
        ByteBuffer buf = ByteBuffer.allocate((int) Math.min(SCAN_BUFFER, Math.max(h.dataLength(), 1)));
        long pos = offset + h.dataOffset();
        long left = h.dataLength();
        while (left > 0) {
            buf.clear().limit((int) Math.min(buf.capacity(), left));
            readInto(source, buf, pos);
            needleCrc.update(buf.array(), 0, buf.limit());
            dataCrc.update(buf.array(), 0, buf.limit());
            md5.update(buf.array(), 0, buf.limit());
            pos += buf.limit();
            left -= buf.limit();
        }
        int footerAndPad = (int) (h.needleLength() - h.footerOffset());
        ByteBuffer fb = readFully(source, offset + h.footerOffset(), footerAndPad);
        needleCrc.update(fb.array(), 0, OFF_FOOTER_NEEDLE_CRC);
        if (fb.getInt(OFF_FOOTER_NEEDLE_CRC) != (int) needleCrc.getValue()) {
            throw new CorruptNeedleException("needle checksum mismatch at " + offset);
        }
        if (fb.getInt(OFF_FOOTER_MAGIC) != FOOTER_MAGIC) {
            throw new CorruptNeedleException("bad footer magic at " + offset);
        }
        for (int i = FOOTER_LENGTH; i < footerAndPad; i++) {
            if (fb.get(i) != 0) {
                throw new CorruptNeedleException("needle padding not zero at " + offset);
            }
        }
        byte[] storedMd5 = new byte[LEN_FOOTER_MD5];
        fb.get(OFF_FOOTER_MD5, storedMd5);
        if (fb.getInt(OFF_FOOTER_DATA_CRC) != (int) dataCrc.getValue()
                || !MessageDigest.isEqual(storedMd5, md5.digest())) {
            throw new CorruptNeedleException("data checksum mismatch at " + offset);
        }
        Map<String, String> metadata = decodeMetadata(meta);
        return new Needle(offset, h, bucket, name, versionId, metadata, storedMd5, (int) dataCrc.getValue());
    }

    // ---------------------------------------------------------------- metadata codec

    /** Encodes metadata (see the class comment); keys in ascending order so equal maps encode equally. */
    public static byte[] encodeMetadata(Map<String, String> metadata) {
        TreeMap<String, String> sorted = new TreeMap<>(metadata);
        byte[][] parts = new byte[sorted.size() * 2][];
        long total = 4;
        int i = 0;
        for (Map.Entry<String, String> e : sorted.entrySet()) {
            parts[i] = strictUtf8(e.getKey(), "metadata key");
            parts[i + 1] = strictUtf8(e.getValue(), "metadata value");
            if (parts[i].length > MAX_STRING_LENGTH) {
                throw new IllegalArgumentException("metadata key too long");
            }
            total += 2 + parts[i].length + 4 + parts[i + 1].length;
            i += 2;
        }
        if (total > MAX_METADATA_LENGTH) {
            throw new IllegalArgumentException("metadata longer than " + MAX_METADATA_LENGTH + " bytes");
        }
        ByteBuffer b = ByteBuffer.allocate((int) total).order(ByteOrder.BIG_ENDIAN);
        b.putInt(sorted.size());
        for (int j = 0; j < parts.length; j += 2) {
            b.putShort((short) parts[j].length).put(parts[j]).putInt(parts[j + 1].length).put(parts[j + 1]);
        }
        return b.array();
    }

    /** Decodes metadata from the buffer's remaining bytes, which must be exactly one encoded map. */
    public static Map<String, String> decodeMetadata(ByteBuffer buffer) {
        ByteBuffer b = buffer.slice().order(ByteOrder.BIG_ENDIAN);
        try {
            int count = b.getInt();
            if (count < 0 || count > b.remaining() / 6) {
                throw new CorruptNeedleException("metadata entry count out of range");
            }
            TreeMap<String, String> map = new TreeMap<>();
            String previous = null;
            for (int i = 0; i < count; i++) {
                String k = utf8(b, Short.toUnsignedInt(b.getShort()));
                int vl = b.getInt();
                if (vl < 0) {
                    throw new CorruptNeedleException("metadata value length out of range");
                }
                String v = utf8(b, vl);
                if (previous != null && previous.compareTo(k) >= 0) {
                    throw new CorruptNeedleException("metadata keys not in ascending order");
                }
                previous = k;
                map.put(k, v);
            }
            if (b.hasRemaining()) {
                throw new CorruptNeedleException("trailing bytes after metadata");
            }
            return map;
        } catch (java.nio.BufferUnderflowException | IndexOutOfBoundsException e) {
            throw new CorruptNeedleException("metadata truncated", e);
        }
    }

    // ---------------------------------------------------------------- helpers

    /** Strict UTF-8 of a key part: no unpaired surrogates (they would not round-trip), no NUL (the index separator). */
    public static byte[] keyPart(String s, String what) {
        if (s.indexOf('\0') >= 0) {
            throw new IllegalArgumentException(what + " must not contain NUL");
        }
        byte[] b = strictUtf8(s, what);
        if (b.length > MAX_STRING_LENGTH) {
            throw new IllegalArgumentException(what + " longer than " + MAX_STRING_LENGTH + " bytes");
        }
        return b;
    }

    private static byte[] strictUtf8(String s, String what) {
        try {
            ByteBuffer b = StandardCharsets.UTF_8.newEncoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .encode(CharBuffer.wrap(s));
            byte[] out = new byte[b.remaining()];
            b.get(out);
            return out;
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException(what + " is not valid Unicode", e);
        }
    }

    private static String utf8(ByteBuffer b, int length) {
        if (length > b.remaining()) {
            throw new CorruptNeedleException("string field runs past its section");
        }
        ByteBuffer s = b.slice().limit(length);
        b.position(b.position() + length);
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(s).toString();
        } catch (CharacterCodingException e) {
            throw new CorruptNeedleException("invalid UTF-8 in needle", e);
        }
    }

    private static ByteBuffer slice(ByteBuffer buffer, int length, String what) {
        if (buffer.remaining() < length) {
            throw new CorruptNeedleException(what + " truncated");
        }
        return buffer.slice().limit(length).order(ByteOrder.BIG_ENDIAN);
    }

    static ByteBuffer readFully(PositionedSource source, long position, int length) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(length).order(ByteOrder.BIG_ENDIAN);
        readInto(source, b, position);
        b.flip();
        return b;
    }

    private static void readInto(PositionedSource source, ByteBuffer b, long position) throws IOException {
        long pos = position;
        while (b.hasRemaining()) {
            int n = source.read(b, pos);
            if (n < 0) {
                throw new CorruptNeedleException("needle truncated at " + pos);
            }
            pos += n;
        }
    }

    private static int crc(byte[] b, int off, int len) {
        CRC32C c = new CRC32C();
        c.update(b, off, len);
        return (int) c.getValue();
    }

    private static int crc(ByteBuffer b, int off, int len) {
        CRC32C c = new CRC32C();
        c.update(b.duplicate().position(off).limit(off + len));
        return (int) c.getValue();
    }

    private static MessageDigest md5() {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 is required of every Java platform", e);
        }
    }
}
