package io.needlestack.storage.container;

import io.needlestack.storage.needle.NeedleFormat;
import io.needlestack.storage.store.DataLengthException;
import io.needlestack.storage.store.StoreFullException;
import io.needlestack.storage.store.StoreIOException;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.UUID;

/**
 * A needle whose bytes are complete before it is appended: the data of a PUT is read from the
 * client first, in memory when small, into a spool file when larger, while its digests are
 * computed. Only then does the writer take the container's append lock, so a slow client never
 * holds it. Memory stays bounded: a PUT holds at most {@code memoryThreshold} bytes plus one
 * copy buffer, and all in-memory spools of an engine together at most their {@link MemoryBudget}
 * (a PUT that finds the budget spent spools to a file instead of waiting).
 */
public final class Spool implements Closeable {
    static final int COPY_BUFFER = 64 * 1024;

    private final NeedleFormat.Prefix prefix;
    private final byte[] memory;
    private final StoreFile file;
    private final FileLayer layer;
    private final ByteBuffer footer;
    private final MemoryBudget budget;

    /** Largest slice of a memory spool written at once (the JDK copies heap buffers to a cached direct buffer of that size per thread). */
    static final int WRITE_SLICE = 256 * 1024;

    private Spool(NeedleFormat.Prefix prefix, byte[] memory, StoreFile file, FileLayer layer, ByteBuffer footer,
                  MemoryBudget budget) {
        this.prefix = prefix;
        this.memory = memory;
        this.file = file;
        this.layer = layer;
        this.footer = footer;
        this.budget = budget;
    }

    /**
     * The bytes all in-memory spools of an engine may hold at once. Without such a bound, many
     * concurrent PUTs just under the threshold could fill the heap.
     */
    public static final class MemoryBudget {
        private final java.util.concurrent.Semaphore kib;

        /** @param bytes the total, rounded up to KiB */
        public MemoryBudget(long bytes) {
            this.kib = new java.util.concurrent.Semaphore((int) Math.min(Integer.MAX_VALUE, (bytes + 1023) / 1024));
        }

        boolean tryTake(long bytes) {
            return kib.tryAcquire(units(bytes));
        }

        void give(long bytes) {
            kib.release(units(bytes));
        }

        /** KiB still free (for tests and metrics). */
        public long availableKib() {
            return kib.availablePermits();
        }

        private static int units(long bytes) {
            return (int) ((bytes + 1023) / 1024);
        }
    }

    /**
     * Reads exactly {@code prefix.header().dataLength()} bytes of {@code data}.
     *
     * @param memoryThreshold data up to this many bytes is kept in memory, more goes to a file in {@code spoolDir}
     * @throws DataLengthException when the stream ends early
     * @throws StoreFullException  when the spool file cannot be written for lack of space
     * @throws StoreIOException    on other I/O failures (reading the client's stream included)
     */
    public static Spool create(FileLayer layer, Path spoolDir, NeedleFormat.Prefix prefix, InputStream data,
                               int memoryThreshold, MemoryBudget budget) {
        long length = prefix.header().dataLength();
        NeedleFormat.Digests digests = new NeedleFormat.Digests(prefix);
        if (length <= memoryThreshold && budget.tryTake(length)) {
            byte[] bytes = new byte[(int) length];
            int done = 0;
            boolean kept = false;
            try {
                while (done < length) {
                    int n = data.read(bytes, done, (int) length - done);
                    if (n < 0) {
                        throw new DataLengthException("data ended after " + done + " of " + length + " bytes");
                    }
                    done += n;
                }
                digests.update(bytes, 0, bytes.length);
                Spool spool = new Spool(prefix, bytes, null, layer, digests.footer(), budget);
                kept = true;
                return spool;
            } catch (IOException e) {
                throw new StoreIOException("reading the data failed after " + done + " bytes", e);
            } finally {
                if (!kept) {
                    budget.give(length);
                }
            }
        }
        Path path = spoolDir.resolve("spool-" + UUID.randomUUID() + ".tmp");
        StoreFile file;
        try {
            file = layer.open(path);
        } catch (IOException e) {
            throw failure("cannot create spool file " + path, e);
        }
        try {
            byte[] buffer = new byte[COPY_BUFFER];
            long done = 0;
            while (done < length) {
                int n;
                try {
                    n = data.read(buffer, 0, (int) Math.min(buffer.length, length - done));
                } catch (IOException e) {
                    throw new StoreIOException("reading the data failed after " + done + " bytes", e);
                }
                if (n < 0) {
                    throw new DataLengthException("data ended after " + done + " of " + length + " bytes");
                }
                digests.update(buffer, 0, n);
                try {
                    file.write(ByteBuffer.wrap(buffer, 0, n), done);
                } catch (IOException e) {
                    throw failure("writing spool file " + path + " failed", e);
                }
                done += n;
            }
            return new Spool(prefix, null, file, layer, digests.footer(), null);
        } catch (RuntimeException e) {
            discard(layer, file);
            throw e;
        }
    }

    /** The encoded header and variable fields. */
    public NeedleFormat.Prefix prefix() {
        return prefix;
    }

    /** The in-memory data, or null when spooled to a file (for tests). */
    byte[] memoryForTest() {
        return memory;
    }

    /** Total bytes of the needle on disk. */
    public long needleLength() {
        return prefix.header().needleLength();
    }

    /** MD5 of the data. */
    public byte[] md5() {
        return NeedleFormat.footerMd5(footer);
    }

    /** CRC32C of the data. */
    public int dataCrc() {
        return NeedleFormat.footerDataCrc(footer);
    }

    /** Writes the whole needle into {@code target} at {@code position}. */
    void writeTo(StoreFile target, long position) throws IOException {
        long pos = position;
        target.write(ByteBuffer.wrap(prefix.bytes()), pos);
        pos += prefix.bytes().length;
        long dataLength = prefix.header().dataLength();
        if (memory != null) {
            for (int off = 0; off < memory.length; off += WRITE_SLICE) {
                target.write(ByteBuffer.wrap(memory, off, Math.min(WRITE_SLICE, memory.length - off)), pos + off);
            }
        } else {
            target.transferFrom(file, 0, dataLength, pos);
        }
        pos += dataLength;
        target.write(footer.duplicate(), pos);
    }

    /** Deletes the spool file, if any. */
    @Override
    public void close() {
        if (file != null) {
            discard(layer, file);
        } else if (budget != null && !released) {
            released = true;
            budget.give(memory.length);
        }
    }

    private boolean released;

    private static void discard(FileLayer layer, StoreFile file) {
        try {
            file.close();
        } catch (IOException ignored) {
            // the file is deleted next; a spool directory is also emptied at every start
        }
        try {
            layer.delete(file.path());
        } catch (IOException ignored) {
            // emptied at the next start
        }
    }

    static RuntimeException failure(String message, IOException e) {
        if (Container.isDiskFull(e)) {
            return new StoreFullException(message + ": no space left", e);
        }
        return new StoreIOException(message, e);
    }
}
