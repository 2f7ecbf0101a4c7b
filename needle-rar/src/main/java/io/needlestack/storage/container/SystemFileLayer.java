package io.needlestack.storage.container;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ConcurrentHashMap;

/** {@link FileLayer} over {@link FileChannel}. */
final class SystemFileLayer implements FileLayer {
    static final SystemFileLayer INSTANCE = new SystemFileLayer();

    /**
     * How long a directory's free space is reused before statvfs is asked again. Every PUT asks
     * twice (once under its container's append lock); at a few thousand small PUTs a second the
     * calls took about 3 % of the node's CPU (async-profiler). In 10 ms this disk writes a few
     * MB, far inside the space every store keeps free (64 MiB by default).
     */
    static final long FREE_SPACE_REUSE_NANOS = 10_000_000;

    /**
     * The file store of each directory asked about, with its last free-space reading. Finding a
     * directory's store reads the whole mount table (about a quarter of a 4 KiB PUT's CPU when
     * done per write); asking a found store for its free space is one statvfs call.
     */
    private final ConcurrentHashMap<Path, StoreSpace> stores = new ConcurrentHashMap<>();

    /** A file store and its free space as last read; the reading is replaced whole, never torn. */
    private static final class StoreSpace {
        private final FileStore store;
        private volatile Reading last; // null until the first reading

        private record Reading(long usable, long readAtNanos) {
        }

        StoreSpace(FileStore store) {
            this.store = store;
        }

        long usable() throws IOException {
            Reading r = last;
            long now = System.nanoTime();
            if (r != null && now - r.readAtNanos() < FREE_SPACE_REUSE_NANOS) {
                return r.usable();
            }
            long usable = store.getUsableSpace();
            last = new Reading(usable, now);
            return usable;
        }
    }

    @Override
    public StoreFile open(Path path) throws IOException {
        FileChannel ch = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        return new ChannelFile(path, ch);
    }

    @Override
    public void delete(Path path) throws IOException {
        Files.deleteIfExists(path);
    }

    @Override
    public void syncDirectory(Path directory) throws IOException {
        try (FileChannel ch = FileChannel.open(directory, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }

    @Override
    public long usableSpace(Path directory) throws IOException {
        StoreSpace space = stores.get(directory);
        if (space == null) {
            space = new StoreSpace(Files.getFileStore(directory));
            stores.put(directory, space);
        }
        return space.usable();
    }

    private record ChannelFile(Path path, FileChannel channel) implements StoreFile {
        @Override
        public int read(ByteBuffer dst, long position) throws IOException {
            return channel.read(dst, position);
        }

        @Override
        public int write(ByteBuffer src, long position) throws IOException {
            int n = 0;
            while (src.hasRemaining()) {
                n += channel.write(src, position + n);
            }
            return n;
        }

        @Override
        public void transferFrom(StoreFile source, long sourcePosition, long count, long position) throws IOException {
            long done = 0;
            FileChannel from = source.channel();
            while (done < count) {
                // transferFrom reads the source at its own position; set it for every round.
                from.position(sourcePosition + done);
                long n = channel.transferFrom(from, position + done, count - done);
                if (n <= 0) {
                    throw new IOException("transfer stalled at " + done + " of " + count + " bytes from " + source.path());
                }
                done += n;
            }
        }

        @Override
        public long size() throws IOException {
            return channel.size();
        }

        @Override
        public void truncate(long size) throws IOException {
            channel.truncate(size);
        }

        @Override
        public void force() throws IOException {
            channel.force(false);
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }
}
