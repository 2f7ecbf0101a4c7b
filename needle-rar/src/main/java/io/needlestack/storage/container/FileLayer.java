package io.needlestack.storage.container;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The few file operations the store makes. {@link #system()} is the real one; tests wrap it to
 * fail writes part-way or to remember what was fsynced.
 */
public interface FileLayer {

    /** Opens a file for reading and writing, creating it when missing. */
    StoreFile open(Path path) throws IOException;

    /** Deletes a file if it exists. */
    void delete(Path path) throws IOException;

    /**
     * Renames {@code from} to {@code to} atomically, replacing {@code to} (readers holding the old
     * file open keep reading it). Follow with {@link #syncDirectory} to make the rename durable.
     */
    default void replace(Path from, Path to) throws IOException {
        java.nio.file.Files.move(from, to, java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    /** Makes a directory's entries durable (a new or renamed file survives a power loss). */
    void syncDirectory(Path directory) throws IOException;

    /**
     * Bytes usable by this process on the file system holding {@code directory}; the system
     * layer may answer a reading up to 10 ms old (well inside the space kept free).
     */
    long usableSpace(Path directory) throws IOException;

    /** The layer over the operating system's files. */
    static FileLayer system() {
        return SystemFileLayer.INSTANCE;
    }
}
