package io.needlestack.storage.container;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link FileLayer} over the real one that remembers, for each file, the length it had when
 * it was last fsynced, and can make writes fail part-way (a full disk), report little free space,
 * or fail every fsync (power gone). {@link #cutToSynced()} then does to the files what a power
 * loss would: everything after the last fsync is gone (the page cache would survive a mere
 * kill -9, so only this shows a missing fsync).
 */
public final class TestFileLayer implements FileLayer {
    private final FileLayer real = FileLayer.system();
    private final Map<Path, Long> synced = new ConcurrentHashMap<>();
    /** Bytes that may still be written before writes fail with "No space left on device"; -1 for no limit. */
    public final AtomicLong writeBudget = new AtomicLong(-1);
    /** Usable space reported; -1 for the real value. */
    public volatile long usableSpace = -1;
    /** When set, every fsync fails: the power is gone, nothing more becomes durable. */
    public volatile boolean powerLost;
    /** fsyncs made. */
    public final AtomicLong forces = new AtomicLong();

    @Override
    public StoreFile open(Path path) throws IOException {
        return new Tracked(real.open(path));
    }

    @Override
    public void delete(Path path) throws IOException {
        synced.remove(path);
        real.delete(path);
    }

    @Override
    public void syncDirectory(Path directory) throws IOException {
        real.syncDirectory(directory);
    }

    @Override
    public long usableSpace(Path directory) throws IOException {
        long u = usableSpace;
        return u >= 0 ? u : real.usableSpace(directory);
    }

    /** Last fsynced length of a file (0 when never fsynced). */
    public long syncedLength(Path path) {
        return synced.getOrDefault(path, 0L);
    }

    /** Truncates every file this layer wrote to its last fsynced length; returns the bytes cut. */
    public long cutToSynced() throws IOException {
        long cut = 0;
        for (Map.Entry<Path, Long> e : synced.entrySet()) {
            Path p = e.getKey();
            if (Files.exists(p)) {
                long size = Files.size(p);
                if (size > e.getValue()) {
                    try (FileChannel ch = FileChannel.open(p, java.nio.file.StandardOpenOption.WRITE)) {
                        ch.truncate(e.getValue());
                    }
                    cut += size - e.getValue();
                }
            }
        }
        return cut;
    }

    private final class Tracked implements StoreFile {
        private final StoreFile delegate;

        Tracked(StoreFile delegate) {
            this.delegate = delegate;
            synced.putIfAbsent(delegate.path(), 0L);
        }

        @Override
        public Path path() {
            return delegate.path();
        }

        @Override
        public int read(ByteBuffer dst, long position) throws IOException {
            return delegate.read(dst, position);
        }

        @Override
        public int write(ByteBuffer src, long position) throws IOException {
            int want = src.remaining();
            long allowed = take(want);
            if (allowed < want) {
                ByteBuffer part = src.duplicate();
                part.limit(part.position() + (int) allowed);
                delegate.write(part, position);
                throw new IOException("No space left on device");
            }
            return delegate.write(src, position);
        }

        @Override
        public void transferFrom(StoreFile source, long sourcePosition, long count, long position) throws IOException {
            long allowed = take(count);
            delegate.transferFrom(source, sourcePosition, allowed, position);
            if (allowed < count) {
                throw new IOException("No space left on device");
            }
        }

        private long take(long want) {
            while (true) {
                long b = writeBudget.get();
                if (b < 0) {
                    return want;
                }
                long allowed = Math.min(b, want);
                if (writeBudget.compareAndSet(b, b - allowed)) {
                    return allowed;
                }
            }
        }

        @Override
        public long size() throws IOException {
            return delegate.size();
        }

        @Override
        public void truncate(long size) throws IOException {
            delegate.truncate(size);
            synced.computeIfPresent(path(), (p, s) -> Math.min(s, size));
        }

        @Override
        public void force() throws IOException {
            if (powerLost) {
                throw new IOException("power lost");
            }
            // Only what was written before the fsync started is known to be durable.
            long size = delegate.size();
            delegate.force();
            forces.incrementAndGet();
            synced.merge(path(), size, Math::max);
        }

        @Override
        public FileChannel channel() {
            return delegate.channel();
        }

        @Override
        public void close() throws IOException {
            delegate.close();
        }
    }
}
