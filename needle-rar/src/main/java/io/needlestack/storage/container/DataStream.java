package io.needlestack.storage.container;

import io.needlestack.storage.store.CorruptNeedleException;
import io.needlestack.storage.store.StoreIOException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * Needle data read with positioned reads through one bounded buffer. Holds a reference to its
 * container until closed, so the file cannot be closed or replaced under it. When it covers the
 * whole data, the CRC32C is checked as the last byte is delivered: a mismatch is thrown from
 * {@code read}, so a consumer never completes a read of corrupt data silently.
 */
final class DataStream extends InputStream {
    static final int BUFFER = 64 * 1024;

    private final Container container;
    private final long start;
    private final long length;
    private final Integer expectedCrc;
    private final CRC32C crc;
    private final ByteBuffer buffer;
    private long delivered;
    private boolean closed;

    DataStream(Container container, long start, long length, Integer expectedCrc) {
        this.container = container;
        this.start = start;
        this.length = length;
        this.expectedCrc = expectedCrc;
        this.crc = expectedCrc == null ? null : new CRC32C();
        this.buffer = ByteBuffer.allocate((int) Math.max(1, Math.min(BUFFER, length)));
        buffer.limit(0);
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
        if (len == 0) {
            return 0;
        }
        if (!buffer.hasRemaining() && !fill()) {
            return -1;
        }
        int n = Math.min(len, buffer.remaining());
        buffer.get(b, off, n);
        return n;
    }

    /** Reads the next block; verifies the checksum once all data is in. Returns false at the end. */
    private boolean fill() throws IOException {
        delivered += buffer.limit();
        long left = length - delivered;
        if (left <= 0) {
            return false;
        }
        buffer.clear().limit((int) Math.min(buffer.capacity(), left));
        try {
            while (buffer.hasRemaining()) {
                int n = container.read(buffer, start + delivered + buffer.position());
                if (n < 0) {
                    throw new CorruptNeedleException("container " + container.id() + " ends inside needle data");
                }
            }
        } catch (IOException e) {
            throw new StoreIOException("reading container " + container.id() + " failed", e);
        }
        buffer.flip();
        if (crc != null) {
            crc.update(buffer.array(), 0, buffer.limit());
            if (delivered + buffer.limit() == length && (int) crc.getValue() != expectedCrc) {
                throw new CorruptNeedleException("data checksum mismatch in container " + container.id()
                        + " at " + start);
            }
        }
        return true;
    }

    @Override
    public long skip(long n) throws IOException {
        // Skipping would bypass the checksum; read through instead (bounded by the buffer).
        long skipped = 0;
        byte[] scratch = new byte[(int) Math.min(BUFFER, Math.max(1, n))];
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
        return buffer.remaining();
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            container.release();
        }
    }
}
