package io.needlestack.storage.store;

/**
 * Counters of one node's needle store since it started.
 *
 * @param puts            needles appended
 * @param fsyncs          fsync calls made by the group-commit writers
 * @param bytesWritten    bytes appended to containers
 * @param containers      number of container files
 * @param liveBytes       bytes in containers
 * @param freeBytes       usable bytes left on the data directory's file system
 * @param writable        false while writes are refused (e.g. free space short)
 */
public record StoreStats(long puts, long fsyncs, long bytesWritten, int containers, long liveBytes,
                         long freeBytes, boolean writable) implements java.io.Serializable {
}
