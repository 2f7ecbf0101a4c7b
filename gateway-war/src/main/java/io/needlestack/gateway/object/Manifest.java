package io.needlestack.gateway.object;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The list of chunks that make up a large object or a multipart part, stored as the data of a
 * manifest needle. Versioned binary format:
 *
 * <pre>
 * int    MAGIC ("NSMF")
 * short  VERSION
 * int    count
 * count x { UTF chunk name (modified UTF-8, length-prefixed), long length }
 * </pre>
 *
 * @param chunks the chunks in order
 */
public record Manifest(List<Chunk> chunks) {

    /** Magic number of a manifest ("NSMF"). */
    public static final int MAGIC = 0x4E534D46;
    /** Format version. */
    public static final short VERSION = 1;

    /** One chunk: its needle name (kind CHUNK, same bucket) and its length. */
    public record Chunk(String name, long length) {
    }

    public Manifest {
        chunks = Collections.unmodifiableList(new ArrayList<>(chunks));
    }

    /** Total length of the object. */
    public long length() {
        long n = 0;
        for (Chunk c : chunks) {
            n += c.length();
        }
        return n;
    }

    /**
     * Lengths of the parts the object was written as, in order: each {@link ObjectStore#writeChunks}
     * call names its chunks {@code prefix + "\n" + index}, so consecutive chunks that share the name
     * up to the last newline are one part (one UploadPart of a multipart upload; the whole object
     * for a large single PUT). Read by GetObject's {@code partNumber}.
     */
    public List<Long> partLengths() {
        List<Long> parts = new ArrayList<>();
        String current = null;
        for (Chunk c : chunks) {
            int nl = c.name().lastIndexOf('\n');
            String prefix = nl < 0 ? c.name() : c.name().substring(0, nl);
            if (prefix.equals(current)) {
                parts.set(parts.size() - 1, parts.get(parts.size() - 1) + c.length());
            } else {
                parts.add(c.length());
                current = prefix;
            }
        }
        return parts;
    }

    /** The encoded manifest. */
    public byte[] encode() {
        ByteArrayOutputStream b = new ByteArrayOutputStream(16 + chunks.size() * 64);
        try (DataOutputStream out = new DataOutputStream(b)) {
            out.writeInt(MAGIC);
            out.writeShort(VERSION);
            out.writeInt(chunks.size());
            for (Chunk c : chunks) {
                out.writeUTF(c.name());
                out.writeLong(c.length());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return b.toByteArray();
    }

    /** Reads a manifest from its needle's data. */
    public static Manifest decode(InputStream in) throws IOException {
        DataInputStream d = new DataInputStream(in);
        if (d.readInt() != MAGIC) {
            throw new IOException("not a manifest");
        }
        short v = d.readShort();
        if (v != VERSION) {
            throw new IOException("unsupported manifest version " + v);
        }
        int n = d.readInt();
        if (n < 0 || n > 10_000_000) {
            throw new IOException("implausible chunk count " + n);
        }
        List<Chunk> out = new ArrayList<>(Math.min(n, 4096));
        for (int i = 0; i < n; i++) {
            out.add(new Chunk(d.readUTF(), d.readLong()));
        }
        return new Manifest(out);
    }
}
