package io.needlestack.storage.container;

import io.needlestack.storage.needle.NeedleFormat;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/** An open file of the store: positioned reads and writes, transfer, truncate, fsync. */
public interface StoreFile extends NeedleFormat.PositionedSource, Closeable {

    /** The file's path. */
    Path path();

    /** Writes the buffer's remaining bytes at {@code position}; returns how many were written. */
    int write(ByteBuffer src, long position) throws IOException;

    /**
     * Copies {@code count} bytes of {@code source} from {@code sourcePosition} into this file at
     * {@code position}, without passing them through the Java heap; all or an exception.
     */
    void transferFrom(StoreFile source, long sourcePosition, long count, long position) throws IOException;

    /** Current size. */
    long size() throws IOException;

    /** Cuts the file to {@code size} bytes. */
    void truncate(long size) throws IOException;

    /** Makes written bytes durable (fdatasync and the size). */
    void force() throws IOException;

    /** The underlying channel, for {@link #transferFrom} between layers. */
    FileChannel channel();
}
