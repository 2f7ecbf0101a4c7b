package io.needlestack.storage.store;

import java.io.InputStream;
import java.util.List;
import java.util.Optional;

/**
 * A handle onto the node's needle store, obtained from {@link NeedleConnectionFactory}. Cheap:
 * every handle shares the one engine the resource adapter opened. Close it when done (the
 * streams it returned stay valid after close).
 */
public interface NeedleConnection extends AutoCloseable {

    /**
     * Appends a needle and returns only once it is durable (fsynced, or as the fsync policy says).
     * The data is spooled first, so a slow producer never holds the container's append lock.
     * A write older (lower HLC) than the newest stored version of the same key is kept on disk
     * but does not replace it; the record returned is then the newer one. Older versions of the
     * key are dropped from the index when {@code keepOlderVersions} is false (unversioned buckets).
     *
     * @param write  header fields
     * @param data   exactly {@code length} bytes (ignored for tombstones)
     * @param length number of data bytes
     * @return the write's result, with {@link PutResult#superseded()} listing index entries it replaced
     * @throws StoreFullException        when free space is short (reads go on)
     * @throws DataLengthException       when {@code data} ends before {@code length} bytes
     * @throws NeedleStoreException      on other failures
     */
    PutResult put(NeedleWrite write, InputStream data, long length, boolean keepOlderVersions);

    /** The newest version of a key, tombstones included. */
    Optional<NeedleRecord> get(NeedleKey key);

    /** One given version of a key. */
    Optional<NeedleRecord> get(NeedleKey key, String versionId);

    /**
     * The most one positioned read of an {@link #openData} stream asks for. A caller that reads
     * this many bytes or more at a time gets the file's bytes straight into its own array; smaller
     * reads are copied out of the stream's own block buffer. Why 256 KiB: README, *Profile
     * findings*, "64 KiB reads and writes for large GETs".
     */
    int READ_BLOCK_BYTES = 256 * 1024;

    /**
     * Streams {@code length} data bytes of a needle from {@code from}, with positioned reads of at
     * most {@link #READ_BLOCK_BYTES}; the data checksum is verified when the whole needle is read.
     *
     * @throws CorruptNeedleException when the bytes on disk do not match their checksums
     * @throws NeedleGoneException    when the record's version was replaced or dropped since it was
     *                                read and compaction reclaimed it (resolve the key again)
     */
    InputStream openData(NeedleRecord record, long from, long length);

    /**
     * Lists the newest version of every name of a kind in a bucket, in byte order of the UTF-8 name.
     *
     * @param prefix            only names starting with this ("" for all)
     * @param startAfter        only names strictly after this (null for none)
     * @param limit             at most this many records
     * @param includeTombstones whether names whose newest version is a tombstone are returned
     */
    List<NeedleRecord> list(NeedleKind kind, String bucket, String prefix, String startAfter, int limit,
                            boolean includeTombstones);

    /**
     * Every stored version of every key (all kinds, all buckets, tombstones included) after
     * {@code after}, in index order (kind, bucket, name, newest version first): the walk that
     * rebalance, recovery and tombstone purge make over a node's holdings.
     *
     * @param after the last record of the previous page, or null to start at the beginning
     * @param limit at most this many records
     */
    List<NeedleRecord> scan(NeedleRecord after, int limit);

    /**
     * Forgets one stored version (its index entry; the bytes are reclaimed by compaction). Not a
     * delete: clients delete with tombstones. Used to release a copy this node no longer owns once
     * its new owners have it, and to purge tombstones every replica holds.
     *
     * @return whether that version was stored
     */
    boolean drop(NeedleKey key, long hlc, String versionId);

    /** Counters of this node's store (puts, fsyncs, bytes, free space). */
    StoreStats stats();

    /**
     * Starts compacting containers in the background, one at a time: each container's live
     * needles (those the index points at) are copied, verified, into a new file that replaces it;
     * reads and writes go on meanwhile (writes go to the directory's other containers).
     *
     * @param containerIds the containers to compact; empty for all of them
     * @return the status of the run just started
     * @throws CompactionRefusedException when one runs already, a container id is unknown, or free
     *                                    space is smaller than the largest container to copy
     */
    CompactionStatus compactStart(java.util.Set<Integer> containerIds);

    /**
     * Pauses the running compaction after the needle it copies now (the partly written new file is
     * kept until it resumes).
     *
     * @throws CompactionRefusedException when none is running
     */
    CompactionStatus compactSuspend();

    /**
     * Resumes a suspended compaction.
     *
     * @throws CompactionRefusedException when none is suspended
     */
    CompactionStatus compactResume();

    /** The current or last compaction. */
    CompactionStatus compactionStatus();

    /**
     * Starts a scrub in the background, unless one runs (its status is returned then): every
     * version the index points at is read in full and checked against its checksums and MD5, at
     * most {@code bytesPerSecond}. A version that fails is listed in {@link #damaged} and no longer
     * served by this node until {@link #repairDamaged} replaces it. Reads and writes go on.
     *
     * @param bytesPerSecond read rate limit, at least 1
     */
    ScrubStatus scrubStart(long bytesPerSecond);

    /** The current or last scrub. */
    ScrubStatus scrubStatus();

    /**
     * The versions this node found damaged (by a read, a scrub or a compaction) and has not
     * repaired yet, oldest first. Kept in memory: after a restart a read or the next scrub finds
     * them again.
     */
    List<DamagedNeedle> damaged();

    /**
     * Replaces a damaged version with a copy from another replica: appended as the same version
     * (same key, HLC, version id, metadata and flags) only when the copy's length and MD5 are the
     * record's, so a copy that differs is never indexed.
     *
     * @param damaged the record {@link #damaged} listed
     * @param data    exactly {@code damaged.dataLength()} bytes
     * @return true when the version was replaced; false when it is no longer listed as damaged or
     *         no longer stored here (nothing is written then)
     * @throws CorruptNeedleException when the copy does not match the record
     */
    boolean repairDamaged(NeedleRecord damaged, InputStream data);

    /**
     * Every container's file size beside the bytes the index still points at, by id (one pass
     * over the index: about a second per million needles).
     */
    java.util.List<ContainerUsage> usage();

    /** Releases the handle; never throws. */
    @Override
    void close();
}
