package io.needlestack.core.ring;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The binary encoding of a {@link Ring}, used to publish it through Hazelcast and to keep it in a
 * node's data directory. Big-endian, canonical (members sorted by id), so the same ring always
 * gives the same bytes and the {@link Ring#checksum() checksum} is a function of them:
 *
 * <pre>
 * magic       4 bytes  "NSRG"
 * format      u16      {@link #FORMAT_VERSION}
 * version     i64      ring version
 * replicas    u16      N
 * vnodes      i32      virtual nodes per unit of weight
 * count       i32      number of members, then per member, in id order:
 *   id        u16 length + UTF-8
 *   endpoint  u16 length + UTF-8 (empty when unknown)
 *   rack      u16 length + UTF-8 (empty when none)
 *   weight    i64      IEEE 754 bits of the weight
 * crc         u32      CRC32C of every byte above
 * </pre>
 *
 * The checksum is the first 8 bytes (big-endian) of SHA-256 over everything before the CRC.
 * Placement is recomputed from the members on decode; positions are never stored, so the format
 * cannot disagree with the algorithm. A reader refuses a format version it does not know.
 */
public final class RingCodec {

    /** The format version this code writes and reads. */
    public static final int FORMAT_VERSION = 1;

    private static final byte[] MAGIC = {'N', 'S', 'R', 'G'};

    private RingCodec() {
    }

    /** The canonical bytes of a ring, CRC included. */
    public static byte[] encode(Ring ring) {
        byte[] body = body(ring);
        CRC32C crc = new CRC32C();
        crc.update(body);
        return ByteBuffer.allocate(body.length + 4).put(body).putInt((int) crc.getValue()).array();
    }

    /**
     * Reads a ring.
     *
     * @throws RingFormatException on bad magic, unknown format, truncation, trailing bytes, a CRC
     *                             mismatch or members the ring refuses
     */
    public static Ring decode(byte[] bytes) throws RingFormatException {
        if (bytes.length < MAGIC.length + 2 + 4) {
            throw new RingFormatException("not a ring: " + bytes.length + " bytes");
        }
        ByteBuffer in = ByteBuffer.wrap(bytes);
        for (byte b : MAGIC) {
            if (in.get() != b) {
                throw new RingFormatException("not a ring: bad magic");
            }
        }
        int format = Short.toUnsignedInt(in.getShort());
        if (format != FORMAT_VERSION) {
            throw new RingFormatException("ring format " + format + " is not supported (this node reads "
                    + FORMAT_VERSION + ")");
        }
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, bytes.length - 4);
        int expected = ByteBuffer.wrap(bytes, bytes.length - 4, 4).getInt();
        if ((int) crc.getValue() != expected) {
            throw new RingFormatException("ring bytes are corrupt: CRC32C mismatch");
        }
        try {
            long version = in.getLong();
            int replicas = Short.toUnsignedInt(in.getShort());
            int vnodes = in.getInt();
            int count = in.getInt();
            if (count < 0 || count > bytes.length) {
                throw new RingFormatException("ring member count " + count + " is impossible");
            }
            List<RingNode> members = new ArrayList<>(count);
            String previous = null;
            for (int i = 0; i < count; i++) {
                String id = string(in);
                String endpoint = string(in);
                String rack = string(in);
                double weight = Double.longBitsToDouble(in.getLong());
                if (previous != null && previous.compareTo(id) >= 0) {
                    throw new RingFormatException("ring members are not in canonical order at " + id);
                }
                previous = id;
                members.add(new RingNode(id, endpoint, rack.isEmpty() ? null : rack, weight));
            }
            if (in.remaining() != 4) {
                throw new RingFormatException("ring has " + (in.remaining() - 4) + " unexpected trailing bytes");
            }
            return new Ring(version, replicas, vnodes, members);
        } catch (BufferUnderflowException e) {
            throw new RingFormatException("ring bytes are truncated", e);
        } catch (IllegalArgumentException e) {
            throw new RingFormatException("ring content is invalid: " + e.getMessage(), e);
        }
    }

    static long checksumOf(Ring ring) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(body(ring));
            return ByteBuffer.wrap(digest).getLong();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java runtime", e);
        }
    }

    private static byte[] body(Ring ring) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + ring.members().size() * 64);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.write(MAGIC);
            out.writeShort(FORMAT_VERSION);
            out.writeLong(ring.version());
            out.writeShort(ring.replicaCount());
            out.writeInt(ring.vnodesPerNode());
            out.writeInt(ring.members().size());
            for (RingNode n : ring.members()) {
                string(out, n.id());
                string(out, n.endpoint());
                string(out, n.rack() == null ? "" : n.rack());
                out.writeLong(Double.doubleToLongBits(n.weight()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static void string(DataOutputStream out, String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        if (b.length > 0xffff) {
            throw new IllegalArgumentException("string too long for the ring encoding: " + b.length + " bytes");
        }
        out.writeShort(b.length);
        out.write(b);
    }

    private static String string(ByteBuffer in) throws RingFormatException {
        int length = Short.toUnsignedInt(in.getShort());
        byte[] b = new byte[length];
        in.get(b);
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b)).toString();
        } catch (CharacterCodingException e) {
            throw new RingFormatException("ring string is not UTF-8", e);
        }
    }
}
