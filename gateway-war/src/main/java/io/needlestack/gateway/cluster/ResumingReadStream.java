package io.needlestack.gateway.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.zip.CRC32C;

/**
 * A read of one version that goes on from another replica when the replica it reads from fails
 * part-way (its node died, its connection broke, its copy failed its checksum), so the reader
 * gets the whole answer instead of one cut short.
 *
 * <p>Going on is only right when the bytes already delivered are the version's. A read of the
 * whole data is checked only at its end (the store withholds the last block until the CRC32C
 * matches), so bytes delivered before a failure may be the damaged ones. This stream therefore
 * keeps the CRC32C of what it delivered; the next replica is read from the start, its first bytes
 * are compared with that CRC32C and dropped, and it continues only when they match (its own check
 * at the end then covers the whole). When they differ, the failure is passed on: the reader's
 * answer is cut short, never completed with other bytes. A range read carries no checksum (as a
 * range GET never does): the next replica is read from where the failed one stopped.
 */
final class ResumingReadStream extends InputStream {

    private static final Logger LOG = Logger.getLogger(ResumingReadStream.class.getName());
    private static final int SCRATCH = 256 * 1024;

    /** Opens the version on one of its holders; throws when that holder cannot. */
    interface Holders {
        int count();

        InputStream open(int holder, long from, long length);

        String name(int holder);
    }

    private final Holders holders;
    private final String what;
    private final long from;
    private final long length;
    /** The version's whole data is read: delivered bytes are checked before going on. */
    private final CRC32C crc;
    private final boolean[] tried;
    private InputStream in;
    private int current;
    private long delivered;
    private boolean closed;

    /**
     * @param holders the version's holders, in the order to try them
     * @param first   the holder {@code in} reads from
     * @param in      the open read
     * @param what    the version, for the log
     * @param from    where the read starts in the data
     * @param length  how many bytes it reads
     * @param whole   whether it reads all of the data (and so ends with the store's checksum)
     */
    ResumingReadStream(Holders holders, int first, InputStream in, String what, long from, long length,
                       boolean whole) {
        this.holders = holders;
        this.current = first;
        this.in = Objects.requireNonNull(in);
        this.what = what;
        this.from = from;
        this.length = length;
        this.crc = whole ? new CRC32C() : null;
        this.tried = new boolean[holders.count()];
        tried[first] = true;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        while (true) {
            if (closed) {
                throw new IOException("stream closed");
            }
            int n;
            try {
                n = in.read(b, off, len);
            } catch (IOException | RuntimeException e) {
                // A read timeout is a replica that stalled (a SocketTimeoutException is an
                // InterruptedIOException too): go on. An interrupted thread is not: its read ends.
                if (Thread.currentThread().isInterrupted()) {
                    throw e;
                }
                goOn(e);
                continue;
            }
            if (n < 0 && delivered < length) {
                goOn(new IOException(holders.name(current) + ": the data ended after " + delivered + " of "
                        + length + " bytes"));
                continue;
            }
            if (n > 0) {
                if (crc != null) {
                    crc.update(b, off, n);
                }
                delivered += n;
            }
            return n;
        }
    }

    @Override
    public int available() throws IOException {
        try {
            return in.available();
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    @Override
    public void close() throws IOException {
        if (!closed) {
            closed = true;
            in.close();
        }
    }

    /** Replaces the failed read with one from the next holder, or throws {@code failure}. */
    private void goOn(Exception failure) throws IOException {
        closeQuietly(in);
        for (int h = 0; h < tried.length; h++) {
            if (tried[h]) {
                continue;
            }
            tried[h] = true;
            InputStream next = null;
            try {
                if (crc == null) {
                    next = holders.open(h, from + delivered, length - delivered);
                } else {
                    next = holders.open(h, 0, length);
                    if (!samePrefix(next)) {
                        closeQuietly(next);
                        failure.addSuppressed(new IOException(holders.name(h) + " holds other bytes than the "
                                + delivered + " delivered from " + holders.name(current)
                                + ": they were damaged, so the read cannot go on"));
                        break;
                    }
                }
            } catch (IOException | RuntimeException e) {
                closeQuietly(next);
                failure.addSuppressed(e);
                continue;
            }
            LOG.log(Level.WARNING, "read of {0} failed on {1} after {2} of {3} bytes ({4}); going on from {5}",
                    new Object[] {what, holders.name(current), delivered, length, failure.toString(), holders.name(h)});
            in = next;
            current = h;
            return;
        }
        in = InputStream.nullInputStream();
        closed = true;
        if (failure instanceof IOException io) {
            throw io;
        }
        throw (RuntimeException) failure;
    }

    /** Reads the next holder's first {@code delivered} bytes; true when their CRC32C is the delivered one. */
    private boolean samePrefix(InputStream next) throws IOException {
        CRC32C theirs = new CRC32C();
        byte[] scratch = new byte[(int) Math.min(SCRATCH, Math.max(1, delivered))];
        long left = delivered;
        while (left > 0) {
            int n = next.read(scratch, 0, (int) Math.min(scratch.length, left));
            if (n < 0) {
                throw new IOException("the copy ended after " + (delivered - left) + " bytes");
            }
            theirs.update(scratch, 0, n);
            left -= n;
        }
        return theirs.getValue() == crc.getValue();
    }

    private static void closeQuietly(InputStream s) {
        if (s != null) {
            try {
                s.close();
            } catch (IOException | RuntimeException ignored) {
                // the read already failed; its close has nothing to add
            }
        }
    }
}
