package io.needlestack.storage.container;

import io.needlestack.storage.store.CorruptNeedleException;
import io.needlestack.storage.store.NeedleConnection;
import io.needlestack.storage.store.StoreIOException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.zip.CRC32C;

/**
 * Needle data read with positioned reads of at most one block. Holds a reference to its
 * container until closed, so the file cannot be closed or replaced under it. When it covers the
 * whole data, the CRC32C is checked as the last byte is delivered: a mismatch is thrown from
 * {@code read}, so a consumer never completes a read of corrupt data silently.
 *
 * <p>A caller that reads at least a block at a time gets the file's bytes straight into its own
 * array; smaller reads go through a block buffer of the stream's own, made on the first of them.
 */
final class DataStream extends InputStream {
    /**
     * The most one positioned read asks for. It was 64 KiB: a 64 MiB GET then did 1,024 reads and
     * socket writes of 64 KiB, and the client, draining each write, parked before the next.
     */
    static final int BLOCK = NeedleConnection.READ_BLOCK_BYTES;

    private final Container container;
    private final long start;
    private final long length;
    private final Integer expectedCrc;
    private final CRC32C crc;
    /** The block buffer for reads smaller than a block; null until the first of them. */
    private ByteBuffer buffer;
    /** Bytes of the data read from the file so far (delivered, or waiting in {@link #buffer}). */
    private long fetched;
    private boolean closed;

    DataStream(Container container, long start, long length, Integer expectedCrc) {
        this.container = container;
        this.start = start;
        this.length = length;
        this.expectedCrc = expectedCrc;
        this.crc = expectedCrc == null ? null : new CRC32C();
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (closed) {
            throw new IOException("stream closed");
        }
        Objects.checkFromIndexSize(off, len, b.length);
        if (len == 0) {
            return 0;
        }
        if (buffer != null && buffer.hasRemaining()) {
            return take(b, off, len);
        }
        long left = length - fetched;
        if (left <= 0) {
            return -1;
        }
        int block = (int) Math.min(BLOCK, left);
        if (len >= block) {
            // The caller's array holds a whole block: one copy fewer, and no buffer of our own.
            fetch(ByteBuffer.wrap(b, off, block));
            return block;
        }
        if (buffer == null) {
            buffer = ByteBuffer.allocate(block);
        }
        buffer.clear().limit(block);
        fetch(buffer);
        buffer.flip();
        return take(b, off, len);
    }

    private int take(byte[] b, int off, int len) {
        int n = Math.min(len, buffer.remaining());
        buffer.get(b, off, n);
        return n;
    }

    /** Fills {@code dst} from the file; verifies the checksum once all data is in. */
    private void fetch(ByteBuffer dst) throws IOException {
        int begin = dst.position();
        try {
            while (dst.hasRemaining()) {
                int n = container.read(dst, start + fetched + dst.position() - begin);
                if (n < 0) {
                    throw new CorruptNeedleException("container " + container.id() + " ends inside needle data");
                }
            }
        } catch (IOException e) {
            throw new StoreIOException("reading container " + container.id() + " failed", e);
        }
        int n = dst.position() - begin;
        fetched += n;
        if (crc != null) {
            crc.update(dst.array(), dst.arrayOffset() + begin, n);
            if (fetched == length && (int) crc.getValue() != expectedCrc) {
                throw new CorruptNeedleException("data checksum mismatch in container " + container.id()
                        + " at " + start);
            }
        }
    }

    @Override
    public long skip(long n) throws IOException {
        // Skipping would bypass the checksum; read through instead (bounded by a block).
        long skipped = 0;
        byte[] scratch = new byte[(int) Math.min(BLOCK, Math.max(1, n))];
        while (skipped < n) {
            int r = read(scratch, 0, (int) Math.min(scratch.length, n - skipped));
            if (r < 0) {
                break;
            }
            skipped += r;
        }
        return skipped;
    }

    @Override
    public int available() {
        return buffer == null ? 0 : buffer.remaining();
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            container.release();
        }
    }
}
