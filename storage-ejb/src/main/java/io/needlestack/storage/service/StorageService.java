package io.needlestack.storage.service;

import io.needlestack.storage.store.CompactionStatus;
import io.needlestack.storage.store.ContainerUsage;
import io.needlestack.storage.store.DamagedNeedle;
import io.needlestack.storage.store.NeedleConnection;
import io.needlestack.storage.store.NeedleConnectionFactory;
import io.needlestack.storage.store.NeedleKey;
import io.needlestack.storage.store.NeedleKind;
import io.needlestack.storage.store.NeedleRecord;
import io.needlestack.storage.store.NeedleWrite;
import io.needlestack.storage.store.PutResult;
import io.needlestack.storage.store.ScrubStatus;
import io.needlestack.storage.store.StoreStats;
import jakarta.annotation.Resource;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * PUT, GET, HEAD, DELETE and LIST of needles on this node. Each call takes a handle from the
 * resource adapter's pool and gives it back; streams returned by {@link #openData} outlive the
 * handle (they hold their own reference to the container file).
 *
 * <p>No transactions: the needle store is durable by itself (group commit), and a JTA
 * transaction around a streaming write would only hold a thread-bound context for nothing.
 */
@Stateless
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class StorageService {

    /** JNDI name of the needle store connection factory, declared by the deployment descriptors. */
    public static final String CONNECTION_FACTORY = "java:app/needlestack/NeedleStore";

    @Resource(lookup = CONNECTION_FACTORY)
    private NeedleConnectionFactory connections;

    /** Stores a needle durably; see {@link NeedleConnection#put}. */
    public PutResult put(NeedleWrite write, InputStream data, long length, boolean keepOlderVersions) {
        try (NeedleConnection c = connections.getConnection()) {
            return c.put(write, data, length, keepOlderVersions);
        }
    }

    /** Appends a tombstone for a key (a delete); see {@link NeedleConnection#put}. */
    public PutResult delete(NeedleKey key, long hlc, String versionId, boolean keepOlderVersions) {
        return put(new NeedleWrite(key, hlc, versionId, true, null), InputStream.nullInputStream(), 0,
                keepOlderVersions);
    }

    /** The newest version of a key, tombstones included (HEAD never reads data). */
    public Optional<NeedleRecord> head(NeedleKey key) {
        try (NeedleConnection c = connections.getConnection()) {
            return c.get(key);
        }
    }

    /** One version of a key. */
    public Optional<NeedleRecord> head(NeedleKey key, String versionId) {
        try (NeedleConnection c = connections.getConnection()) {
            return c.get(key, versionId);
        }
    }

    /** Streams part of a needle's data with positioned reads. */
    public InputStream openData(NeedleRecord record, long from, long length) {
        try (NeedleConnection c = connections.getConnection()) {
            return c.openData(record, from, length);
        }
    }

    /** Lists the newest version of every name; see {@link NeedleConnection#list}. */
    public List<NeedleRecord> list(NeedleKind kind, String bucket, String prefix, String startAfter, int limit,
                                   boolean includeTombstones) {
        try (NeedleConnection c = connections.getConnection()) {
            return c.list(kind, bucket, prefix, startAfter, limit, includeTombstones);
        }
    }

    /** Every stored version, in index order; see {@link NeedleConnection#scan}. */
    public List<NeedleRecord> scan(NeedleRecord after, int limit) {
        try (NeedleConnection c = connections.getConnection()) {
            return c.scan(after, limit);
        }
    }

    /** Forgets one stored version; see {@link NeedleConnection#drop}. */
    public boolean drop(NeedleKey key, long hlc, String versionId) {
        try (NeedleConnection c = connections.getConnection()) {
            return c.drop(key, hlc, versionId);
        }
    }

    /** Counters of this node's store. */
    public StoreStats stats() {
        try (NeedleConnection c = connections.getConnection()) {
            return c.stats();
        }
    }

    /** Starts compacting containers in the background; see {@link NeedleConnection#compactStart}. */
    public CompactionStatus compactStart(Set<Integer> containerIds) {
        try (NeedleConnection c = connections.getConnection()) {
            return c.compactStart(containerIds);
        }
    }

    /** Pauses the running compaction; see {@link NeedleConnection#compactSuspend}. */
    public CompactionStatus compactSuspend() {
        try (NeedleConnection c = connections.getConnection()) {
            return c.compactSuspend();
        }
    }

    /** Resumes a suspended compaction; see {@link NeedleConnection#compactResume}. */
    public CompactionStatus compactResume() {
        try (NeedleConnection c = connections.getConnection()) {
            return c.compactResume();
        }
    }

    /** The current or last compaction of this node. */
    public CompactionStatus compactionStatus() {
        try (NeedleConnection c = connections.getConnection()) {
            return c.compactionStatus();
        }
    }

    /** Starts a scrub in the background unless one runs; see {@link NeedleConnection#scrubStart}. */
    public ScrubStatus scrubStart(long bytesPerSecond) {
        try (NeedleConnection c = connections.getConnection()) {
            return c.scrubStart(bytesPerSecond);
        }
    }

    /** The current or last scrub of this node. */
    public ScrubStatus scrubStatus() {
        try (NeedleConnection c = connections.getConnection()) {
            return c.scrubStatus();
        }
    }

    /** The versions this node found damaged and has not repaired; see {@link NeedleConnection#damaged}. */
    public List<DamagedNeedle> damaged() {
        try (NeedleConnection c = connections.getConnection()) {
            return c.damaged();
        }
    }

    /** Replaces a damaged version with a replica's copy; see {@link NeedleConnection#repairDamaged}. */
    public boolean repairDamaged(NeedleRecord damaged, InputStream data) {
        try (NeedleConnection c = connections.getConnection()) {
            return c.repairDamaged(damaged, data);
        }
    }

    /** Every container's size and live bytes; see {@link NeedleConnection#usage}. */
    public List<ContainerUsage> usage() {
        try (NeedleConnection c = connections.getConnection()) {
            return c.usage();
        }
    }
}
