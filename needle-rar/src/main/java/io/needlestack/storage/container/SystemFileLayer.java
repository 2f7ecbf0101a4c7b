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
     * The file store of each directory asked about. Finding a directory's store reads the whole
     * mount table (about a quarter of a 4 KiB PUT's CPU when done per write); asking a found
     * store for its free space is one statvfs call.
     */
    private final ConcurrentHashMap<Path, FileStore> stores = new ConcurrentHashMap<>();

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
        FileStore store = stores.get(directory);
        if (store == null) {
            store = Files.getFileStore(directory);
            stores.put(directory, store);
        }
        return store.getUsableSpace();
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
