package io.needlestack.storage.store;

/**
 * How much of one container file is still needed (LeoFS's {@code du}): what compaction of it
 * would keep and give back.
 *
 * @param id         container id
 * @param directory  the data directory holding it
 * @param fileBytes  bytes of the file (superblock and every needle appended)
 * @param liveBytes  bytes of the needles the index points at (what compaction would keep)
 * @param active     true for the container that takes its directory's writes now
 * @param compacting true while compaction copies it
 */
public record ContainerUsage(int id, String directory, long fileBytes, long liveBytes, boolean active,
                             boolean compacting) implements java.io.Serializable {

    /** Bytes compaction would give back (never negative: writes may land between the two readings). */
    public long reclaimableBytes() {
        return Math.max(0, fileBytes - liveBytes - io.needlestack.storage.needle.NeedleFormat.SUPERBLOCK_LENGTH);
    }
}
