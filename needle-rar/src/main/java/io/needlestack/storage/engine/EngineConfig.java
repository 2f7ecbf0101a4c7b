package io.needlestack.storage.engine;

import io.needlestack.storage.container.FileLayer;
import io.needlestack.storage.container.FsyncPolicy;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * How an engine is opened.
 *
 * @param dataDirectories        one or more directories; each gets its own containers and spool, the
 *                               first also holds the index and the extracted native library
 * @param containersPerDirectory container files per data directory (default 8)
 * @param fsyncPolicy            {@link FsyncPolicy#GROUP} (default) or {@link FsyncPolicy#NONE} (unsafe)
 * @param minFreeBytes           writes are refused while usable space is below this (default 64 MiB)
 * @param spoolMemoryBytes       data up to this size is spooled in memory, larger data to a file (default 1 MiB)
 * @param rocksdbCacheBytes      RocksDB block cache (default 8 MiB)
 * @param rocksdbWriteBufferBytes RocksDB memtable size (default 4 MiB; two may exist at once)
 * @param groupCommitDelayMicros longest an fsync waits for PUTs that are about to append (default 2000)
 *                               (default 0: an fsync starts at once and covers whoever appended before it)
 * @param fileLayer              file access (the system's; tests inject faults here)
 * @param autoCompaction         when the node compacts by itself (off by default)
 */
public record EngineConfig(List<Path> dataDirectories, int containersPerDirectory, FsyncPolicy fsyncPolicy,
                           long minFreeBytes, int spoolMemoryBytes, long rocksdbCacheBytes,
                           long rocksdbWriteBufferBytes, long groupCommitDelayMicros, FileLayer fileLayer,
                           AutoCompaction autoCompaction) {

    /**
     * When a node compacts by itself: every {@code intervalSeconds} it measures its containers
     * ({@link io.needlestack.storage.store.ContainerUsage}) and compacts those where at least
     * {@code minBytes} and at least {@code ratio} of the file could be given back. Off (ratio 0)
     * by default, as in LeoFS: compaction costs a full read of a container, and an operator may
     * prefer to choose its hour.
     *
     * @param ratio           share of a container's file that must be reclaimable, in (0, 1]; 0 turns it off
     * @param minBytes        reclaimable bytes a container must have at least
     * @param intervalSeconds seconds between two looks
     */
    public record AutoCompaction(double ratio, long minBytes, long intervalSeconds) {
        /** Off. */
        public static final AutoCompaction OFF = new AutoCompaction(0, DEFAULT_AUTO_COMPACTION_MIN_BYTES,
                DEFAULT_AUTO_COMPACTION_INTERVAL_SECONDS);

        public AutoCompaction {
            if (!(ratio >= 0 && ratio <= 1) || minBytes < 0 || intervalSeconds < 1) {
                throw new IllegalArgumentException("auto compaction: ratio must be 0..1 (0 = off), minBytes >= 0,"
                        + " intervalSeconds >= 1");
            }
        }

        /** Whether the node compacts by itself. */
        public boolean enabled() {
            return ratio > 0;
        }
    }

    /** Default reclaimable bytes a container needs before automatic compaction takes it: 256 MiB. */
    public static final long DEFAULT_AUTO_COMPACTION_MIN_BYTES = 256L << 20;
    /** Default seconds between automatic compaction's looks: 10 minutes. */
    public static final long DEFAULT_AUTO_COMPACTION_INTERVAL_SECONDS = 600;


    /** Longest wait of an fsync for PUTs that are about to append, in microseconds. */
    public static final long DEFAULT_GROUP_COMMIT_DELAY_MICROS = 2_000;

    /** Default containers per data directory. */
    public static final int DEFAULT_CONTAINERS_PER_DIRECTORY = 8;
    /** Default free space kept: 64 MiB. */
    public static final long DEFAULT_MIN_FREE_BYTES = 64L << 20;
    /**
     * Default in-memory spool limit: 1 MiB. Above it data goes through a spool file and is
     * written twice, which cost a 1 MiB PUT about a third of its CPU when the limit was 256 KiB.
     */
    public static final int DEFAULT_SPOOL_MEMORY_BYTES = 1 << 20;
    /** Default RocksDB block cache: 8 MiB. */
    public static final long DEFAULT_ROCKSDB_CACHE_BYTES = 8L << 20;
    /** Default RocksDB write buffer: 4 MiB. */
    public static final long DEFAULT_ROCKSDB_WRITE_BUFFER_BYTES = 4L << 20;

    public EngineConfig {
        dataDirectories = List.copyOf(dataDirectories);
        if (dataDirectories.isEmpty()) {
            throw new IllegalArgumentException("at least one data directory is needed");
        }
        if (containersPerDirectory < 1 || containersPerDirectory > 4096) {
            throw new IllegalArgumentException("containersPerDirectory must be 1..4096");
        }
        Objects.requireNonNull(fsyncPolicy, "fsyncPolicy");
        Objects.requireNonNull(fileLayer, "fileLayer");
        Objects.requireNonNull(autoCompaction, "autoCompaction");
        if (minFreeBytes < 0 || spoolMemoryBytes < 0 || rocksdbCacheBytes < 1 << 20
                || rocksdbWriteBufferBytes < 64 << 10 || groupCommitDelayMicros < 0) {
            throw new IllegalArgumentException("engine sizes out of range");
        }
    }

    /** The defaults over the given data directories. */
    public static EngineConfig of(List<Path> dataDirectories) {
        return new EngineConfig(dataDirectories, DEFAULT_CONTAINERS_PER_DIRECTORY, FsyncPolicy.GROUP,
                DEFAULT_MIN_FREE_BYTES, DEFAULT_SPOOL_MEMORY_BYTES, DEFAULT_ROCKSDB_CACHE_BYTES,
                DEFAULT_ROCKSDB_WRITE_BUFFER_BYTES, DEFAULT_GROUP_COMMIT_DELAY_MICROS, FileLayer.system(),
                AutoCompaction.OFF);
    }

    /** The defaults over one data directory. */
    public static EngineConfig of(Path dataDirectory) {
        return of(List.of(dataDirectory));
    }

    /** A copy with another number of containers per directory. */
    public EngineConfig withContainersPerDirectory(int n) {
        return new EngineConfig(dataDirectories, n, fsyncPolicy, minFreeBytes, spoolMemoryBytes, rocksdbCacheBytes,
                rocksdbWriteBufferBytes, groupCommitDelayMicros, fileLayer, autoCompaction);
    }

    /** A copy with another fsync policy. */
    public EngineConfig withFsyncPolicy(FsyncPolicy p) {
        return new EngineConfig(dataDirectories, containersPerDirectory, p, minFreeBytes, spoolMemoryBytes,
                rocksdbCacheBytes, rocksdbWriteBufferBytes, groupCommitDelayMicros, fileLayer, autoCompaction);
    }

    /** A copy with another free-space minimum. */
    public EngineConfig withMinFreeBytes(long bytes) {
        return new EngineConfig(dataDirectories, containersPerDirectory, fsyncPolicy, bytes, spoolMemoryBytes,
                rocksdbCacheBytes, rocksdbWriteBufferBytes, groupCommitDelayMicros, fileLayer, autoCompaction);
    }

    /** A copy with another in-memory spool limit. */
    public EngineConfig withSpoolMemoryBytes(int bytes) {
        return new EngineConfig(dataDirectories, containersPerDirectory, fsyncPolicy, minFreeBytes, bytes,
                rocksdbCacheBytes, rocksdbWriteBufferBytes, groupCommitDelayMicros, fileLayer, autoCompaction);
    }

    /** A copy with other RocksDB memory bounds. */
    public EngineConfig withRocksdb(long cacheBytes, long writeBufferBytes) {
        return new EngineConfig(dataDirectories, containersPerDirectory, fsyncPolicy, minFreeBytes, spoolMemoryBytes,
                cacheBytes, writeBufferBytes, groupCommitDelayMicros, fileLayer, autoCompaction);
    }

    /** A copy with another group-commit delay. */
    public EngineConfig withGroupCommitDelayMicros(long micros) {
        return new EngineConfig(dataDirectories, containersPerDirectory, fsyncPolicy, minFreeBytes, spoolMemoryBytes,
                rocksdbCacheBytes, rocksdbWriteBufferBytes, micros, fileLayer, autoCompaction);
    }

    /** A copy with another automatic compaction. */
    public EngineConfig withAutoCompaction(AutoCompaction auto) {
        return new EngineConfig(dataDirectories, containersPerDirectory, fsyncPolicy, minFreeBytes, spoolMemoryBytes,
                rocksdbCacheBytes, rocksdbWriteBufferBytes, groupCommitDelayMicros, fileLayer, auto);
    }

    /** A copy with another file layer. */
    public EngineConfig withFileLayer(FileLayer layer) {
        return new EngineConfig(dataDirectories, containersPerDirectory, fsyncPolicy, minFreeBytes, spoolMemoryBytes,
                rocksdbCacheBytes, rocksdbWriteBufferBytes, groupCommitDelayMicros, layer, autoCompaction);
    }
}
