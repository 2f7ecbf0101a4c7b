package io.needlestack.storage.index;

import io.needlestack.storage.store.NeedleKey;
import io.needlestack.storage.store.NeedleKind;
import io.needlestack.storage.store.NeedleRecord;
import io.needlestack.storage.store.PutResult;
import io.needlestack.storage.store.StoreIOException;
import io.needlestack.storage.needle.NeedleFormat;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.IndexType;
import org.rocksdb.InfoLogLevel;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Slice;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * The index over all containers of one engine, in RocksDB (key layout in {@link IndexCodec}).
 *
 * <p>Writes to one key must be serialised by the caller (the engine does it with the append lock
 * of the key's container, since a key always maps to one container); reads and listings run
 * concurrently with everything. Entries are written without syncing RocksDB's log: the containers
 * are the durable truth, and the per-container checkpoint says where replay starts after a crash.
 */
public final class NeedleIndex implements Closeable {

    /**
     * How far one container is indexed.
     *
     * @param incarnation the container file's random id when the checkpoint was written
     * @param end         offset just past the last needle whose entry is in the index
     */
    public record Checkpoint(long incarnation, long end) {
    }

    private final Path directory;
    private final LRUCache cache;
    private final BloomFilter filter;
    private final Options options;
    private final WriteOptions writeOptions;
    private final RocksDB db;
    private final boolean created;

    /**
     * The newest version of recently read keys (empty: no version), so that a hot key's lookup
     * costs no RocksDB iterator: creating, seeking and closing one and decoding its entry was
     * a fifth of a small GET's CPU. Every change of a key's entries removes the key under the
     * key's stripe lock; a miss reads RocksDB and fills the entry under the same lock, so a
     * value read before a change can never be stored after it. Bounded: see {@link NewestCachePolicy}.
     */
    private final ConcurrentHashMap<NeedleKey, Optional<NeedleRecord>> newestCache = new ConcurrentHashMap<>();
    /** Misses fill the cache under the read side; bulk drops take the write side. */
    private final ReadWriteLock newestFill = new ReentrantReadWriteLock();

    /** Entries of {@link #newestCache} at most (a few hundred bytes each). */
    static final int NEWEST_CACHE_ENTRIES = 32_768;
    /** When {@link #newestCache} takes an entry and when it starts over. */
    private final NewestCachePolicy newestPolicy = new NewestCachePolicy(NEWEST_CACHE_ENTRIES);

    private NeedleIndex(Path directory, LRUCache cache, BloomFilter filter, Options options, RocksDB db, boolean created) {
        this.directory = directory;
        this.cache = cache;
        this.filter = filter;
        this.options = options;
        this.db = db;
        this.created = created;
        this.writeOptions = new WriteOptions().setSync(false);
    }

    /**
     * Opens (or creates) the index in {@code directory}, loading the native library from under
     * {@code nativeRoot} first.
     *
     * @param cacheBytes       block cache size (bounds read memory)
     * @param writeBufferBytes memtable size (two at most exist at once)
     * @throws UnusableIndexException when the index is corrupt or of another version: the caller
     *                                 deletes it and rebuilds it from the containers
     * @throws IOException             when it cannot be opened for another reason (its lock is held by
     *                                 another engine, permissions): nothing may be deleted then
     */
    public static NeedleIndex open(Path directory, Path nativeRoot, long cacheBytes, long writeBufferBytes)
            throws IOException {
        RocksNative.load(nativeRoot);
        boolean created = !Files.isDirectory(directory);
        Files.createDirectories(directory);
        // Half the cache is kept for index and filter blocks, so the data blocks that every
        // lookup of a new key touches cannot evict them.
        LRUCache cache = new LRUCache(cacheBytes, -1, false, 0.5);
        BloomFilter filter = new BloomFilter(10);
        // Partitioned index and filters: a seek reads one 4 KiB index partition from the cache
        // instead of the whole index block of each SST file. With one index block per file (the
        // default), a store of a million needles and an 8 MiB cache re-read and decompressed
        // hundreds of KiB of index per lookup: 92% of a PUT's CPU went to snappy decompressing
        // index blocks, and the store alone fell to about 250 small PUTs/s at 430,000 needles
        // (a million now take about a minute at 16,000 PUTs/s without fsync).
        BlockBasedTableConfig table = new BlockBasedTableConfig()
                .setBlockCache(cache)
                .setFilterPolicy(filter)
                .setIndexType(IndexType.kTwoLevelIndexSearch)
                .setPartitionFilters(true)
                .setMetadataBlockSize(4096)
                .setCacheIndexAndFilterBlocks(true)
                .setCacheIndexAndFilterBlocksWithHighPriority(true)
                .setPinTopLevelIndexAndFilter(true)
                .setPinL0FilterAndIndexBlocksInCache(true)
                // Index partitions are read on every seek: keep them uncompressed.
                .setEnableIndexCompression(false);
        Options options = new Options()
                .setCreateIfMissing(true)
                .setParanoidChecks(true)
                .setWriteBufferSize(writeBufferBytes)
                .setMaxWriteBufferNumber(2)
                .setMaxTotalWalSize(4 * writeBufferBytes)
                .setTableFormatConfig(table)
                .setKeepLogFileNum(2)
                .setInfoLogLevel(InfoLogLevel.WARN_LEVEL)
                .setMaxBackgroundJobs(2);
        RocksDB db;
        try {
            db = RocksDB.open(options, directory.toString());
        } catch (RocksDBException e) {
            options.close();
            filter.close();
            cache.close();
            String message = "cannot open the needle index in " + directory + ": " + e.getMessage();
            if (e.getStatus() != null && e.getStatus().getCode() == org.rocksdb.Status.Code.Corruption) {
                throw new UnusableIndexException(message, e);
            }
            throw new IOException(message, e);
        }
        try {
            byte[] v = db.get(IndexCodec.VERSION_KEY);
            if (v == null) {
                try (RocksIterator it = db.newIterator()) {
                    it.seekToFirst();
                    if (it.isValid()) {
                        throw new UnusableIndexException("needle index in " + directory + " has entries but no version record", null);
                    }
                }
                db.put(IndexCodec.VERSION_KEY, ByteBuffer.allocate(4).putInt(IndexCodec.INDEX_VERSION).array());
                created = true;
            } else if (v.length != 4 || ByteBuffer.wrap(v).getInt() != IndexCodec.INDEX_VERSION) {
                throw new UnusableIndexException("needle index in " + directory + " is of another version", null);
            }
            return new NeedleIndex(directory, cache, filter, options, db, created);
        } catch (RocksDBException | IOException | RuntimeException e) {
            db.close();
            options.close();
            filter.close();
            cache.close();
            if (e instanceof IOException io) {
                throw io;
            }
            throw new UnusableIndexException("cannot read the needle index: " + e, e);
        }
    }

    /** True when this index was empty when opened: every container must be scanned into it. */
    public boolean created() {
        return created;
    }

    /** The directory the index lives in. */
    public Path directory() {
        return directory;
    }

    /**
     * Native memory RocksDB holds for this index now: block cache (data, index and filter blocks),
     * table readers outside the cache, and memtables. Bounded by the cache and write-buffer
     * settings, whatever the number of needles.
     */
    public long nativeMemoryBytes() {
        long sum = 0;
        for (String p : new String[] {"rocksdb.block-cache-usage", "rocksdb.estimate-table-readers-mem",
                "rocksdb.cur-size-all-mem-tables"}) {
            try {
                sum += db.getLongProperty(p);
            } catch (RocksDBException e) {
                throw new StoreIOException("reading " + p + " of the needle index failed", e);
            }
        }
        return sum;
    }

    /** The checkpoint of a container, if one was written. */
    public Optional<Checkpoint> checkpoint(int containerId) {
        byte[] v = get(IndexCodec.checkpointKey(containerId));
        if (v == null) {
            return Optional.empty();
        }
        ByteBuffer b = ByteBuffer.wrap(v);
        return Optional.of(new Checkpoint(b.getLong(), b.getLong()));
    }

    /** Writes a container's checkpoint alone (after a recovery scan). */
    public void writeCheckpoint(int containerId, long incarnation, long end) {
        try {
            db.put(writeOptions, IndexCodec.checkpointKey(containerId), IndexCodec.checkpointValue(incarnation, end));
        } catch (RocksDBException e) {
            throw new StoreIOException("writing the index checkpoint failed", e);
        }
    }

    /**
     * Records a needle: newest HLC wins. A write older than a stored version that replaced older
     * versions is not indexed at all; otherwise its entry is written, and when it replaces older
     * versions ({@code replacesOlder}) their entries are deleted and returned as superseded. The
     * same rule applies whatever order needles arrive in, so replaying containers in any order
     * rebuilds the same index.
     *
     * @param record        the needle as the index will know it
     * @param replacesOlder true for {@code keepOlderVersions=false}
     * @param incarnation   the container file's incarnation, for the checkpoint
     * @param checkpointEnd offset just past this needle in its container
     */
    public PutResult apply(NeedleRecord record, boolean replacesOlder, long incarnation, long checkpointEnd) {
        byte[] prefix = IndexCodec.keyPrefix(record.key());
        // Versions of one key may be appended to different containers at once: the read of the
        // key's versions and the batch that follows must not interleave with another writer's.
        Object stripe = KEY_STRIPES[Math.floorMod(Arrays.hashCode(prefix), KEY_STRIPES.length)];
        synchronized (stripe) {
            try {
                return applyLocked(record, prefix, replacesOlder, incarnation, checkpointEnd);
            } finally {
                newestCache.remove(record.key());
            }
        }
    }

    private static final Object[] KEY_STRIPES = new Object[1024];

    static {
        for (int i = 0; i < KEY_STRIPES.length; i++) {
            KEY_STRIPES[i] = new Object();
        }
    }

    private PutResult applyLocked(NeedleRecord record, byte[] prefix, boolean replacesOlder, long incarnation,
                                  long checkpointEnd) {
        byte[] myKey = IndexCodec.entryKey(record.key(), record.hlc(), record.versionId());
        int flags = (record.tombstone() ? NeedleFormat.FLAG_TOMBSTONE : 0)
                | (replacesOlder ? NeedleFormat.FLAG_REPLACES_OLDER : 0);
        List<IndexCodec.Entry> versions = versions(prefix);
        boolean shadowed = false;
        NeedleRecord newestOther = null;
        for (IndexCodec.Entry e : versions) {
            int c = Arrays.compareUnsigned(e.key(), myKey);
            if (c < 0) {
                if (newestOther == null) {
                    newestOther = e.record();
                }
                if (e.replacesOlder()) {
                    shadowed = true;
                }
            }
        }
        List<NeedleRecord> superseded = new ArrayList<>();
        try (WriteBatch batch = new WriteBatch()) {
            if (!shadowed) {
                batch.put(myKey, IndexCodec.entryValue(record, flags));
                if (replacesOlder) {
                    for (IndexCodec.Entry e : versions) {
                        if (Arrays.compareUnsigned(e.key(), myKey) > 0) {
                            batch.delete(e.key());
                            superseded.add(e.record());
                        }
                    }
                }
            }
            batch.put(IndexCodec.checkpointKey(record.containerId()),
                    IndexCodec.checkpointValue(incarnation, checkpointEnd));
            db.write(writeOptions, batch);
        } catch (RocksDBException e) {
            throw new StoreIOException("writing the needle index failed", e);
        }
        boolean applied = !shadowed && newestOther == null;
        return new PutResult(applied ? record : (newestOther != null ? newestOther : record), applied, superseded);
    }

    private List<IndexCodec.Entry> versions(byte[] prefix) {
        List<IndexCodec.Entry> out = new ArrayList<>();
        try (Scoped scoped = scoped(prefix)) {
            RocksIterator it = scoped.iterator;
            for (it.seek(prefix); it.isValid() && IndexCodec.startsWith(it.key(), prefix); it.next()) {
                out.add(IndexCodec.decode(it.key(), it.value()));
            }
            status(it);
        }
        return out;
    }

    /** The newest version of a key, tombstones included. */
    public Optional<NeedleRecord> newest(NeedleKey key) {
        Optional<NeedleRecord> cached = newestCache.get(key);
        if (newestPolicy.lookedUp(cached != null, newestCache::size)) {
            // Only removes entries: safe without the stripe locks, like a write's removal.
            newestCache.clear();
        }
        if (cached != null) {
            return cached;
        }
        byte[] prefix = IndexCodec.keyPrefix(key);
        newestFill.readLock().lock();
        try {
            synchronized (KEY_STRIPES[Math.floorMod(Arrays.hashCode(prefix), KEY_STRIPES.length)]) {
                Optional<NeedleRecord> found = readNewest(prefix);
                if (newestPolicy.admits(newestCache.size())) {
                    newestCache.put(key, found);
                }
                return found;
            }
        } finally {
            newestFill.readLock().unlock();
        }
    }

    private Optional<NeedleRecord> readNewest(byte[] prefix) {
        try (Scoped scoped = scoped(prefix)) {
            RocksIterator it = scoped.iterator;
            it.seek(prefix);
            if (it.isValid() && IndexCodec.startsWith(it.key(), prefix)) {
                return Optional.of(IndexCodec.decode(it.key(), it.value()).record());
            }
            status(it);
            return Optional.empty();
        }
    }

    /** A stored version and whether it was written to replace the key's older versions. */
    public record Flagged(NeedleRecord record, boolean replacesOlder) {
    }

    /** One version of a key, with its flag. */
    public Optional<Flagged> flagged(NeedleKey key, String versionId) {
        return versions(IndexCodec.keyPrefix(key)).stream().filter(e -> e.record().versionId().equals(versionId))
                .findFirst().map(e -> new Flagged(e.record(), e.replacesOlder()));
    }

    /** One version of a key. */
    public Optional<NeedleRecord> version(NeedleKey key, String versionId) {
        return versions(IndexCodec.keyPrefix(key)).stream().map(IndexCodec.Entry::record)
                .filter(r -> r.versionId().equals(versionId)).findFirst();
    }

    /**
     * The newest version of each name of {@code kind} in {@code bucket} starting with
     * {@code prefix} and sorting after {@code startAfter}, in UTF-8 byte order.
     */
    public List<NeedleRecord> list(NeedleKind kind, String bucket, String prefix, String startAfter, int limit,
                                   boolean includeTombstones) {
        List<NeedleRecord> out = new ArrayList<>();
        if (limit <= 0) {
            return out;
        }
        byte[] scope = IndexCodec.namePrefix(kind, bucket, NeedleFormat.keyPart(prefix == null ? "" : prefix, "prefix"), false);
        byte[] seek = scope;
        if (startAfter != null) {
            // startAfter's own versions end in 0x00...; names after it are >= startAfter + 0x01.
            byte[] after = IndexCodec.namePrefix(kind, bucket, NeedleFormat.keyPart(startAfter, "startAfter"), false);
            byte[] afterSeek = Arrays.copyOf(after, after.length + 1);
            afterSeek[after.length] = 0x01;
            if (Arrays.compareUnsigned(afterSeek, seek) > 0) {
                seek = afterSeek;
            }
        }
        try (Scoped scoped = scoped(scope)) {
            RocksIterator it = scoped.iterator;
            it.seek(seek);
            while (it.isValid() && IndexCodec.startsWith(it.key(), scope) && out.size() < limit) {
                IndexCodec.Entry e = IndexCodec.decode(it.key(), it.value());
                if (includeTombstones || !e.record().tombstone()) {
                    out.add(e.record());
                }
                // Skip the older versions of this name: its key prefix's successor sorts after all of them.
                it.seek(IndexCodec.successor(IndexCodec.keyPrefix(e.record().key())));
            }
            status(it);
        }
        return out;
    }

    /**
     * Every index entry (every version of every key, tombstones included, all kinds and buckets)
     * after {@code after}, in index order: kind, bucket, name, then newest version first. The
     * cursor for the next page is the last record returned.
     *
     * @param after the last entry of the previous page, or null to start at the beginning
     * @param limit at most this many records
     */
    public List<NeedleRecord> scan(NeedleRecord after, int limit) {
        List<NeedleRecord> out = new ArrayList<>();
        if (limit <= 0) {
            return out;
        }
        byte[] from = after == null ? null : IndexCodec.entryKey(after.key(), after.hlc(), after.versionId());
        try (RocksIterator it = db.newIterator()) {
            // 0x01 keys are checkpoints and the version record; needle entries start with a kind letter.
            it.seek(from == null ? new byte[] {0x02} : from);
            for (; it.isValid() && out.size() < limit; it.next()) {
                if (from != null && Arrays.equals(it.key(), from)) {
                    continue;
                }
                out.add(IndexCodec.decode(it.key(), it.value()).record());
            }
            status(it);
        }
        return out;
    }

    /**
     * Whether the index points at the needle at {@code offset} of {@code containerId} for this
     * version: the test compaction makes to keep a needle (everything else in a container is
     * garbage: overwritten, deleted, handed over or purged). One point lookup.
     */
    public boolean pointsAt(NeedleKey key, long hlc, String versionId, int containerId, long offset) {
        byte[] v = get(IndexCodec.entryKey(key, hlc, versionId));
        return v != null && IndexCodec.pointsAt(v, containerId, offset);
    }

    /**
     * Moves index entries from old to new offsets of one container after compaction replaced its
     * file, then writes the container's checkpoint for the new file. Each entry moves only if it
     * still points where the needle was (a write or drop since may have replaced it), under the
     * key's stripe lock so no writer interleaves. The checkpoint comes last: a crash before it
     * leaves the old file's checkpoint, whose incarnation does not match the new file, so the
     * container is re-indexed from the new file at the next start.
     *
     * @param keys       the moved needles' keys, hlcs and version ids, in the order of the offsets
     * @param oldOffsets where each needle was
     * @param newOffsets where it is now
     * @return entries moved (the others were replaced or dropped meanwhile)
     */
    public int relocate(int containerId, List<Located> keys, long[] oldOffsets, long[] newOffsets, long incarnation,
                        long end) {
        int moved = 0;
        for (int i = 0; i < keys.size(); i++) {
            Located l = keys.get(i);
            byte[] prefix = IndexCodec.keyPrefix(l.key());
            byte[] entry = IndexCodec.entryKey(l.key(), l.hlc(), l.versionId());
            synchronized (KEY_STRIPES[Math.floorMod(Arrays.hashCode(prefix), KEY_STRIPES.length)]) {
                byte[] v = get(entry);
                byte[] nv = v == null ? null : IndexCodec.relocated(v, containerId, oldOffsets[i], newOffsets[i]);
                if (nv != null) {
                    try {
                        db.put(writeOptions, entry, nv);
                    } catch (RocksDBException e) {
                        throw new StoreIOException("relocating an index entry failed", e);
                    } finally {
                        newestCache.remove(l.key());
                    }
                    moved++;
                }
            }
        }
        writeCheckpoint(containerId, incarnation, end);
        return moved;
    }

    /**
     * Bytes of needles the index points at, per container id below {@code containers}: one pass
     * over every entry (a million take about a second).
     */
    public long[] liveBytes(int containers) {
        long[] out = new long[containers];
        try (RocksIterator it = db.newIterator()) {
            for (it.seek(new byte[] {0x02}); it.isValid(); it.next()) {
                ByteBuffer v = ByteBuffer.wrap(it.value());
                int c = v.getInt(IndexCodec.VALUE_CONTAINER);
                if (c >= 0 && c < containers) {
                    out[c] += v.getLong(IndexCodec.VALUE_NEEDLE_LENGTH);
                }
            }
            status(it);
        }
        return out;
    }

    /**
     * One version of a key, as compaction names the needles it moved.
     *
     * @param key       the key
     * @param hlc       the version's HLC
     * @param versionId the version id
     */
    public record Located(NeedleKey key, long hlc, String versionId) {
    }

    /**
     * Removes one version's entry from the index (its bytes stay in the container until
     * compaction). Used when a node gives up a copy it no longer owns, or purges a tombstone.
     *
     * @return whether the entry existed
     */
    public boolean drop(NeedleKey key, long hlc, String versionId) {
        byte[] prefix = IndexCodec.keyPrefix(key);
        byte[] entry = IndexCodec.entryKey(key, hlc, versionId);
        Object stripe = KEY_STRIPES[Math.floorMod(Arrays.hashCode(prefix), KEY_STRIPES.length)];
        synchronized (stripe) {
            if (get(entry) == null) {
                return false;
            }
            try {
                db.delete(writeOptions, entry);
            } catch (RocksDBException e) {
                throw new StoreIOException("dropping an index entry failed", e);
            } finally {
                newestCache.remove(key);
            }
            return true;
        }
    }

    /**
     * Deletes every entry in the given containers and their checkpoints (before re-scanning them),
     * in one pass over the index.
     */
    public void dropContainers(java.util.Set<Integer> containerIds) {
        if (containerIds.isEmpty()) {
            return;
        }
        newestFill.writeLock().lock();
        try {
            dropContainersLocked(containerIds);
        } finally {
            newestCache.clear();
            newestFill.writeLock().unlock();
        }
    }

    private void dropContainersLocked(java.util.Set<Integer> containerIds) {
        try (RocksIterator it = db.newIterator()) {
            WriteBatch batch = new WriteBatch();
            try {
                for (it.seek(new byte[] {0x02}); it.isValid(); it.next()) {
                    IndexCodec.Entry e = IndexCodec.decode(it.key(), it.value());
                    if (containerIds.contains(e.record().containerId())) {
                        batch.delete(it.key());
                        if (batch.count() >= 10_000) { // bound the batch's memory
                            db.write(writeOptions, batch);
                            batch.close();
                            batch = new WriteBatch();
                        }
                    }
                }
                status(it);
                for (int id : containerIds) {
                    batch.delete(IndexCodec.checkpointKey(id));
                }
                db.write(writeOptions, batch);
            } finally {
                batch.close();
            }
        } catch (RocksDBException e) {
            throw new StoreIOException("dropping index entries of containers " + containerIds + " failed", e);
        }
    }

    /**
     * An iterator that ends where the keys starting with {@code prefix} end. Without the bound, a
     * seek for a key with no entries (every new key's PUT) steps over all the deleted entries that
     * follow it until it reaches a live one: after a rebalance handed a range away or a tombstone
     * purge, that is every entry of the range, until RocksDB compacts them away.
     */
    private Scoped scoped(byte[] prefix) {
        byte[] end = IndexCodec.successor(prefix);
        if (end == null) {
            return new Scoped(db.newIterator(), null, null);
        }
        Slice upper = new Slice(end);
        ReadOptions read = new ReadOptions().setIterateUpperBound(upper);
        return new Scoped(db.newIterator(read), read, upper);
    }

    /** An iterator with the options and bound it reads by, which must outlive it. */
    private record Scoped(RocksIterator iterator, ReadOptions read, Slice upper) implements AutoCloseable {
        @Override
        public void close() {
            iterator.close();
            if (read != null) {
                read.close();
                upper.close();
            }
        }
    }

    private byte[] get(byte[] key) {
        try {
            return db.get(key);
        } catch (RocksDBException e) {
            throw new StoreIOException("reading the needle index failed", e);
        }
    }

    private static void status(RocksIterator it) {
        try {
            it.status();
        } catch (RocksDBException e) {
            throw new StoreIOException("reading the needle index failed", e);
        }
    }

    /** Syncs RocksDB's log and closes it, releasing its lock file. */
    @Override
    public void close() {
        try {
            db.syncWal();
        } catch (RocksDBException ignored) {
            // replay from the checkpoints covers whatever the log lost
        }
        db.close();
        writeOptions.close();
        options.close();
        filter.close();
        cache.close();
    }
}
