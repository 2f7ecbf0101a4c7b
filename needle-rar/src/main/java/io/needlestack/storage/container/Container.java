package io.needlestack.storage.container;

import io.needlestack.storage.needle.NeedleFormat;
import io.needlestack.storage.store.CorruptNeedleException;
import io.needlestack.storage.store.NeedleRecord;
import io.needlestack.storage.store.StoreFullException;
import io.needlestack.storage.store.StoreIOException;
import io.needlestack.storage.store.StoreUnavailableException;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One append-only container file. Needles are appended whole under the append lock; durability is
 * awaited outside it by group commit; reads are positioned and never take a lock.
 *
 * <p>Lifecycle: {@link #open} validates or writes the superblock, {@link #recover} scans the tail
 * (truncating a torn needle) and must run before the first append; {@link #close} releases the
 * owner's reference, and the file closes when the last open stream is closed too.
 */
public final class Container implements Closeable {

    /** How often a syncer looks whether the PUTs it waits for have appended. */
    private static final long GROUP_COMMIT_POLL_NANOS = 20_000;

    /** Appends since the last fsync started (a group-commit heuristic, not a durability record). */
    private final java.util.concurrent.atomic.AtomicInteger appendsSinceSync = new java.util.concurrent.atomic.AtomicInteger();
    /** Appends the last fsync covered; read and written only by the syncing thread. */
    private int lastBatch;
    private static final Logger LOG = Logger.getLogger(Container.class.getName());
    private static final SecureRandom RANDOM = new SecureRandom();

    /** Called under the append lock once a needle's bytes are in the file (before its fsync). */
    @FunctionalInterface
    public interface AppendListener<R> {
        /**
         * Records the needle (the index update). Throwing rolls the append back.
         *
         * @param offset       where the needle starts
         * @param needleLength its length
         */
        R appended(long offset, long needleLength);
    }

    /** Receives each valid needle found by {@link #recover}. */
    @FunctionalInterface
    public interface NeedleSink {
        /** One verified needle, in file order. */
        void accept(NeedleFormat.Needle needle);
    }

    /**
     * The outcome of an append.
     *
     * @param offset where the needle starts
     * @param end    where it ends (the durability target)
     * @param result what the listener returned
     */
    public record Appended<R>(long offset, long end, R result) {
    }

    private final int id;
    private final Path path;
    private final Path directory;
    private final FileLayer layer;
    private final StoreFile file;
    private final long incarnation;
    private final FsyncPolicy fsyncPolicy;
    private final long groupCommitDelayNanos;
    private final WriteCounters counters;

    private final ReentrantLock appendLock = new ReentrantLock();
    private long end; // guarded by appendLock
    private volatile long appendedEnd;
    private volatile String unwritableReason;
    /** Set while compaction copies this container: the engine sends new writes elsewhere. */
    private volatile boolean compacting;
    /** Set once a compacted successor replaced this file; guarded by appendLock for writers. */
    private volatile boolean retired;

    private final ReentrantLock syncLock = new ReentrantLock();
    private final Condition syncDone = syncLock.newCondition();
    private long syncedEnd; // guarded by syncLock
    private boolean syncing; // guarded by syncLock
    private IOException syncFailure; // guarded by syncLock

    // One reference belongs to the owner until close(); each open data stream holds one more.
    private final AtomicInteger references = new AtomicInteger(1);
    private volatile boolean closed;

    private Container(int id, Path path, FileLayer layer, StoreFile file, long incarnation, FsyncPolicy fsyncPolicy,
                      long groupCommitDelayNanos, WriteCounters counters) {
        this.id = id;
        this.path = path;
        this.directory = path.toAbsolutePath().getParent();
        this.layer = layer;
        this.file = file;
        this.incarnation = incarnation;
        this.fsyncPolicy = fsyncPolicy;
        this.groupCommitDelayNanos = groupCommitDelayNanos;
        this.counters = counters;
    }

    /**
     * Opens a container file, creating it (superblock written and fsynced) when missing or shorter
     * than a superblock.
     *
     * @throws CorruptNeedleException when the superblock is invalid or names another container id
     */
    public static Container open(FileLayer layer, Path path, int id, FsyncPolicy fsyncPolicy,
                                 long groupCommitDelayNanos, WriteCounters counters) throws IOException {
        StoreFile file = layer.open(path);
        try {
            long incarnation;
            if (file.size() < NeedleFormat.SUPERBLOCK_LENGTH) {
                // New, or created but torn before its superblock was durable: nothing was ever acknowledged in it.
                incarnation = RANDOM.nextLong();
                file.truncate(0);
                file.write(NeedleFormat.encodeSuperblock(id, incarnation), 0);
                file.force();
                layer.syncDirectory(path.toAbsolutePath().getParent());
            } else {
                ByteBuffer sb = ByteBuffer.allocate(NeedleFormat.SUPERBLOCK_LENGTH);
                while (sb.hasRemaining()) {
                    if (file.read(sb, sb.position()) < 0) {
                        throw new CorruptNeedleException("superblock truncated in " + path);
                    }
                }
                sb.flip();
                NeedleFormat.Superblock s = NeedleFormat.decodeSuperblock(sb);
                if (s.containerId() != id) {
                    throw new CorruptNeedleException(path + " holds container " + s.containerId() + ", expected " + id);
                }
                incarnation = s.incarnation();
            }
            Container c = new Container(id, path, layer, file, incarnation, fsyncPolicy, groupCommitDelayNanos, counters);
            c.end = NeedleFormat.SUPERBLOCK_LENGTH;
            return c;
        } catch (IOException | RuntimeException e) {
            file.close();
            throw e;
        }
    }

    /**
     * The container over a compacted file that replaces this one: {@code file} holds verified,
     * fsynced needles up to {@code end} under a new incarnation. Package-private: only
     * {@link ContainerRewrite} builds one, under this container's append lock.
     */
    Container successor(StoreFile newFile, long newIncarnation, long newEnd) {
        Container c = new Container(id, path, layer, newFile, newIncarnation, fsyncPolicy, groupCommitDelayNanos,
                counters);
        c.end = newEnd;
        c.appendedEnd = newEnd;
        c.syncedEnd = newEnd;
        c.compacting = true;
        return c;
    }

    /** Whether compaction is copying this container (new writes go to another one meanwhile). */
    public boolean compacting() {
        return compacting;
    }

    /** Marks the container as being compacted, or no longer. */
    public void compacting(boolean on) {
        compacting = on;
    }

    /** True once a compacted file replaced this one. */
    public boolean retired() {
        return retired;
    }

    StoreFile file() {
        return file;
    }

    ReentrantLock appendLock() {
        return appendLock;
    }

    FileLayer layer() {
        return layer;
    }

    /**
     * Called under the append lock once the successor is published: writers still waiting for
     * this lock retry elsewhere, and writers waiting for an fsync of this file return, since every
     * needle appended here is in the successor, fsynced. Releases the owner's reference; open
     * streams keep the (now unlinked) file until they close.
     */
    void retireLocked() {
        retired = true;
        closed = true;
        syncLock.lock();
        try {
            // A group commit in progress forces this file outside the lock: let it finish first.
            while (syncing) {
                syncDone.awaitUninterruptibly();
            }
            syncedEnd = Math.max(syncedEnd, end);
            syncDone.signalAll();
        } finally {
            syncLock.unlock();
        }
        release();
    }

    /** Container id. */
    public int id() {
        return id;
    }

    /** Random id of this file, written in its superblock. */
    public long incarnation() {
        return incarnation;
    }

    /** The file. */
    public Path path() {
        return path;
    }

    /** The directory holding the file. */
    public Path directory() {
        return directory;
    }

    /** Offset just past the last good needle. */
    public long end() {
        return appendedEnd;
    }

    /** Null when appends are accepted; otherwise why not. */
    public String unwritableReason() {
        return unwritableReason;
    }

    // ---------------------------------------------------------------- recovery

    /**
     * Scans needles from {@code from} to the end of the file, handing each verified one to
     * {@code sink}. A needle that fails verification is either a corrupt region in the middle
     * (a valid needle follows it somewhere: it is skipped and logged, nothing after it is lost) or
     * a torn tail (nothing valid follows: the file is truncated there). Leaves everything up to the
     * new end fsynced.
     *
     * @return the end of the last good needle
     */
    public long recover(long from, NeedleSink sink) throws IOException {
        appendLock.lock();
        try {
            long size = file.size();
            long pos = Math.max(from, NeedleFormat.SUPERBLOCK_LENGTH);
            if (pos > size || (pos % NeedleFormat.ALIGNMENT) != 0) {
                throw new IllegalArgumentException("recovery start " + pos + " outside " + path + " (" + size + " bytes)");
            }
            while (pos < size) {
                try {
                    NeedleFormat.Needle n = NeedleFormat.read(file, pos, size);
                    sink.accept(n);
                    pos = n.end();
                } catch (CorruptNeedleException e) {
                    long next = nextValidNeedle(pos + NeedleFormat.ALIGNMENT, size);
                    if (next < 0) {
                        LOG.log(Level.WARNING, "container {0}: torn needle at {1} ({2}); truncating {3} bytes",
                                new Object[] {path, pos, e.getMessage(), size - pos});
                        file.truncate(pos);
                        size = pos;
                    } else {
                        LOG.log(Level.SEVERE, "container {0}: corrupt bytes {1}..{2} ({3}) skipped; a valid needle follows",
                                new Object[] {path, pos, next, e.getMessage()});
                        pos = next;
                    }
                }
            }
            file.force();
            end = pos;
            appendedEnd = pos;
            syncLock.lock();
            try {
                syncedEnd = pos;
            } finally {
                syncLock.unlock();
            }
            return pos;
        } finally {
            appendLock.unlock();
        }
    }

    long nextValidNeedle(long from, long size) throws IOException {
        ByteBuffer block = ByteBuffer.allocate(64 * 1024);
        long base = from;
        while (base + NeedleFormat.HEADER_LENGTH <= size) {
            block.clear();
            int n = file.read(block, base);
            if (n <= 0) {
                return -1;
            }
            for (int i = 0; i + 4 <= n; i += NeedleFormat.ALIGNMENT) {
                if (block.getInt(i) == NeedleFormat.MAGIC) {
                    try {
                        NeedleFormat.read(file, base + i, size);
                        return base + i;
                    } catch (CorruptNeedleException notANeedle) {
                        // keep looking
                    }
                }
            }
            base += (n / NeedleFormat.ALIGNMENT) * NeedleFormat.ALIGNMENT;
        }
        return -1;
    }

    // ---------------------------------------------------------------- writing

    /**
     * Appends a spooled needle. Refuses with {@link StoreFullException} when usable space would
     * drop below {@code minFreeBytes}; a write that fails part-way is truncated away before the
     * lock is released, so the next needle starts at the last good end.
     */
    public <R> Appended<R> append(Spool spool, long minFreeBytes, AppendListener<R> listener) {
        long length = spool.needleLength();
        appendLock.lock();
        try {
            if (retired) {
                throw new ContainerRetiredException(id);
            }
            if (closed) {
                throw new StoreUnavailableException("container " + id + " is closed");
            }
            if (unwritableReason != null) {
                throw new StoreIOException("container " + id + " refuses writes: " + unwritableReason);
            }
            long usable;
            try {
                usable = layer.usableSpace(directory);
            } catch (IOException e) {
                throw new StoreIOException("cannot read free space of " + directory, e);
            }
            if (usable - length < minFreeBytes) {
                throw new StoreFullException("free space on " + directory + " is " + usable
                        + " bytes; a write of " + length + " bytes would leave less than the " + minFreeBytes
                        + " bytes kept free");
            }
            long start = end;
            try {
                spool.writeTo(file, start);
            } catch (IOException e) {
                rollback(start, e);
                throw Spool.failure("appending " + length + " bytes to container " + id + " failed", e);
            }
            R result;
            try {
                result = listener.appended(start, length);
            } catch (RuntimeException e) {
                rollback(start, e);
                throw e;
            }
            end = start + length;
            appendedEnd = end;
            appendsSinceSync.incrementAndGet();
            counters.appended(length);
            return new Appended<>(start, end, result);
        } finally {
            appendLock.unlock();
        }
    }

    private void rollback(long start, Exception cause) {
        try {
            file.truncate(start);
        } catch (IOException | RuntimeException e) {
            // The file now holds garbage after the last good needle: no append may follow it.
            unwritableReason = "rollback to " + start + " failed after " + cause + ": " + e;
            LOG.log(Level.SEVERE, "container " + path + " cannot truncate a failed write; writes refused", e);
        }
    }

    /**
     * Returns once everything up to {@code target} is durable. Group commit: the first waiter
     * becomes the syncer and forces the file once for everyone who appended meanwhile; the others
     * wait for it. Under {@link FsyncPolicy#NONE} returns at once.
     *
     * @throws StoreIOException when an fsync failed (the container then refuses writes: after a failed
     *                          fsync the kernel may have dropped dirty pages, so nothing later is trusted)
     */
    public void awaitDurable(long target) {
        if (fsyncPolicy == FsyncPolicy.NONE) {
            return;
        }
        syncLock.lock();
        try {
            while (syncedEnd < target) {
                if (syncFailure != null) {
                    throw new StoreIOException("fsync of container " + id + " failed", syncFailure);
                }
                if (syncing) {
                    syncDone.awaitUninterruptibly();
                    continue;
                }
                syncing = true;
                syncLock.unlock();
                long covered = 0;
                IOException failure = null;
                try {
                    // PUTs on their way to an append would each need an fsync of their own after
                    // this one: wait for them (briefly, bounded) so this fsync covers them too. A lone
                    // writer has nobody to wait for and is synced at once.
                    // Writers the last fsync released come back with their next PUT a moment later:
                    // also wait until half as many appends as the last fsync covered have arrived
                    // (never more than are running), so batches stay large under steady load.
                    long deadline = System.nanoTime() + groupCommitDelayNanos;
                    int want = Math.min(lastBatch / 2, counters.inFlight());
                    while ((counters.arrivingCount() > 0 || appendsSinceSync.get() < want)
                            && System.nanoTime() < deadline) {
                        LockSupport.parkNanos(GROUP_COMMIT_POLL_NANOS);
                    }
                    covered = appendedEnd;
                    lastBatch = appendsSinceSync.getAndSet(0);
                    file.force();
                    counters.fsynced();
                } catch (IOException e) {
                    failure = e;
                } finally {
                    syncLock.lock();
                    syncing = false;
                    if (failure != null) {
                        syncFailure = failure;
                        unwritableReason = "fsync failed: " + failure;
                    } else {
                        syncedEnd = Math.max(syncedEnd, covered);
                    }
                    syncDone.signalAll();
                }
            }
        } finally {
            syncLock.unlock();
        }
    }

    // ---------------------------------------------------------------- reading

    /**
     * Opens a stream over {@code length} data bytes of the needle a record names, from data byte
     * {@code from}. The header is verified first and must be the record's (kind, HLC, lengths of
     * bucket, name and version id, data length), so a record that compaction made stale can never
     * return bytes of another needle; the data CRC32C is verified when the stream covers all the
     * data. The stream holds a reference to this container until it is closed.
     *
     * @throws StaleLocationException when no needle, or another needle, is at the record's offset
     * @throws CorruptNeedleException when the header there does not verify
     */
    public InputStream openData(NeedleRecord record, long from, long length) {
        long expectedDataLength = record.dataLength();
        long needleOffset = record.offset();
        if (from < 0 || length < 0 || from > expectedDataLength || length > expectedDataLength - from) {
            throw new IllegalArgumentException("range " + from + "+" + length + " outside " + expectedDataLength
                    + " data bytes");
        }
        retain();
        boolean handedOut = false;
        try {
            ByteBuffer hb = ByteBuffer.allocate(NeedleFormat.HEADER_LENGTH);
            try {
                while (hb.hasRemaining()) {
                    if (file.read(hb, needleOffset + hb.position()) < 0) {
                        throw new StaleLocationException("needle at " + needleOffset + " of container " + id
                                + " is past the end of the file");
                    }
                }
            } catch (IOException e) {
                throw new StoreIOException("reading container " + id + " failed", e);
            }
            hb.flip();
            NeedleFormat.Header h;
            try {
                h = NeedleFormat.decodeHeader(hb);
            } catch (CorruptNeedleException e) {
                // Mid-needle after a compaction, or a damaged header: the engine looks again first.
                throw new StaleLocationException("no needle header at " + needleOffset + " of container " + id
                        + ": " + e.getMessage());
            }
            if (h.dataLength() != expectedDataLength || h.hlc() != record.hlc() || h.kind() != record.key().kind()
                    || h.bucketLength() != utf8Length(record.key().bucket())
                    || h.nameLength() != utf8Length(record.key().name())
                    || h.versionIdLength() != utf8Length(record.versionId())) {
                throw new StaleLocationException("needle at " + needleOffset + " of container " + id
                        + " is not " + record.key() + " version " + record.versionId());
            }
            boolean whole = from == 0 && length == expectedDataLength;
            InputStream s = new DataStream(this, needleOffset + h.dataOffset() + from, length,
                    whole ? Integer.valueOf(record.crc32c()) : null);
            handedOut = true;
            return s;
        } finally {
            if (!handedOut) {
                release();
            }
        }
    }

    /**
     * Reads the whole needle a record names and verifies it as compaction does (header checksum,
     * names, data CRC32C and MD5, needle checksum, footer), and that it is the record's version
     * with the record's data checksum. Used by the scrub; holds a reference while it reads.
     *
     * @return the needle's length in bytes
     * @throws StaleLocationException when another needle is at the record's offset (or none)
     * @throws CorruptNeedleException when the bytes there fail their checksums (or a header is
     *                                damaged: the caller tells that apart from a moved needle)
     */
    public long verify(NeedleRecord record) {
        retain();
        try {
            NeedleFormat.Needle n;
            try {
                n = NeedleFormat.read(file, record.offset(), end());
            } catch (IOException e) {
                throw new StoreIOException("reading container " + id + " failed", e);
            }
            NeedleFormat.Header h = n.header();
            if (h.hlc() != record.hlc() || h.kind() != record.key().kind() || h.dataLength() != record.dataLength()
                    || !n.bucket().equals(record.key().bucket()) || !n.name().equals(record.key().name())
                    || !n.versionId().equals(record.versionId())) {
                throw new StaleLocationException("needle at " + record.offset() + " of container " + id
                        + " is not " + record.key() + " version " + record.versionId());
            }
            if (n.dataCrc() != record.crc32c()) {
                throw new CorruptNeedleException("needle at " + record.offset() + " of container " + id
                        + " verifies, but its data CRC32C is not the one indexed");
            }
            return h.needleLength();
        } finally {
            release();
        }
    }

    /** UTF-8 length without encoding (a header check on every read must not allocate). */
    static int utf8Length(String s) {
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                n++;
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                n += 4;
                i++;
            } else {
                n += 3;
            }
        }
        return n;
    }

    int read(ByteBuffer dst, long position) throws IOException {
        return file.read(dst, position);
    }

    void retain() {
        while (true) {
            int r = references.get();
            if (r <= 0) {
                if (retired) {
                    throw new ContainerRetiredException(id);
                }
                throw new StoreUnavailableException("container " + id + " is closed");
            }
            if (references.compareAndSet(r, r + 1)) {
                return;
            }
        }
    }

    void release() {
        if (references.decrementAndGet() == 0) {
            try {
                file.close();
            } catch (IOException e) {
                LOG.log(Level.WARNING, "closing " + path + " failed", e);
            }
        }
    }

    /** Current number of references (the owner's included); for tests and diagnostics. */
    public int references() {
        return references.get();
    }

    /**
     * Stops accepting appends and releases the owner's reference; the file closes once the last
     * stream reading it is closed. Does not fsync: every acknowledged write already is.
     */
    @Override
    public void close() {
        appendLock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
        } finally {
            appendLock.unlock();
        }
        release();
    }

    static boolean isDiskFull(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = t.getMessage();
            if (m != null && (m.contains("No space left") || m.contains("Disk quota exceeded"))) {
                return true;
            }
        }
        return false;
    }
}
