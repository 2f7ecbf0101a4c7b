package io.needlestack.gateway.object;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * At most {@code limit} bytes of an underlying stream. {@link #sharing} never closes it: one
 * request body is cut into chunks this way, each handed to storage in turn. {@link #owning}
 * closes it: a range of a cached file.
 */
public final class BoundedInputStream extends FilterInputStream {
    private final boolean closesUnderlying;
    private long remaining;

    private BoundedInputStream(InputStream in, long limit, boolean closesUnderlying) {
        super(in);
        this.remaining = limit;
        this.closesUnderlying = closesUnderlying;
    }

    /** At most {@code limit} bytes of {@code in}, which stays open when this stream is closed. */
    public static BoundedInputStream sharing(InputStream in, long limit) {
        return new BoundedInputStream(in, limit, false);
    }

    /** At most {@code limit} bytes of {@code in}, which is closed with this stream. */
    public static BoundedInputStream owning(InputStream in, long limit) {
        return new BoundedInputStream(in, limit, true);
    }

    @Override
    public int read() throws IOException {
        if (remaining <= 0) {
            return -1;
        }
        int b = in.read();
        if (b >= 0) {
            remaining--;
        }
        return b;
    }

    @Override
    public int read(byte[] buf, int off, int len) throws IOException {
        if (remaining <= 0) {
            return -1;
        }
        int n = in.read(buf, off, (int) Math.min(len, remaining));
        if (n > 0) {
            remaining -= n;
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        long s = in.skip(Math.min(n, remaining));
        remaining -= s;
        return s;
    }

    @Override
    public int available() throws IOException {
        return (int) Math.min(in.available(), remaining);
    }

    @Override
    public void close() throws IOException {
        if (closesUnderlying) {
            in.close();
        }
    }

    @Override
    public boolean markSupported() {
        return false;
    }
}
