package io.needlestack.storage.engine;

import io.needlestack.storage.container.Container;
import io.needlestack.storage.container.ContainerRetiredException;
import io.needlestack.storage.container.ContainerRewrite;
import io.needlestack.storage.container.StaleLocationException;
import io.needlestack.storage.container.FileLayer;
import io.needlestack.storage.container.Spool;
import io.needlestack.storage.container.WriteCounters;
import io.needlestack.storage.index.NeedleIndex;
import io.needlestack.storage.index.UnusableIndexException;
import io.needlestack.storage.needle.NeedleFormat;
import io.needlestack.storage.store.CompactionRefusedException;
import io.needlestack.storage.store.CompactionStatus;
import io.needlestack.storage.store.ContainerUsage;
import io.needlestack.storage.store.CorruptNeedleException;
import io.needlestack.storage.store.DamagedNeedle;
import io.needlestack.storage.store.NeedleKey;
import io.needlestack.storage.store.NeedleGoneException;
import io.needlestack.storage.store.NeedleKind;
import io.needlestack.storage.store.NeedleRecord;
import io.needlestack.storage.store.NeedleStoreException;
import io.needlestack.storage.store.NeedleWrite;
import io.needlestack.storage.store.PutResult;
import io.needlestack.storage.store.ScrubStatus;
import io.needlestack.storage.store.StoreFullException;
import io.needlestack.storage.store.StoreIOException;
import io.needlestack.storage.store.StoreStats;
import io.needlestack.storage.store.StoreUnavailableException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.zip.CRC32C;

/**
 * The needle store of one node. Thread-safe; open once (the resource adapter does, in
 * {@code start}) and share. Layout of each data directory:
 * <pre>
 * &lt;dir&gt;/containers/container-NNNNN.ndl   append-only container files
 * &lt;dir&gt;/spool/                           PUT data larger than the in-memory spool limit
 * &lt;first dir&gt;/index/                     RocksDB index
 * &lt;first dir&gt;/native/                    the extracted RocksDB native library
 * </pre>
 * Container ids run over all directories ({@code directory * containersPerDirectory + i}); a key
 * always maps to the same container (CRC32C of kind, bucket and name), which serialises the writes
 * of one key under that container's append lock.
 */
public final class NeedleEngine implements AutoCloseable {

    /** Size past which a directory's active container hands writes over to its smallest one. */
    public static final long ACTIVE_CONTAINER_BYTES = 1L << 30;
    private static final Logger LOG = Logger.getLogger(NeedleEngine.class.getName());

    private final EngineConfig config;
    private final FileLayer layer;
    private final List<Path> spoolDirs;
    /** By id; compaction replaces an entry with the container over the compacted file. */
    private final AtomicReferenceArray<Container> containers;
    /** Per data directory, which of its containers takes writes now. */
    private final AtomicIntegerArray active;
    private final NeedleIndex index;
    private final WriteCounters counters;
    /** All in-memory spools together: 32 times the per-PUT limit, at least 16 MiB. */
    private final Spool.MemoryBudget spoolBudget;
    // Readers: every operation that touches the index or appends. Writer: close, so RocksDB is
    // never closed under a running call (a use after close would crash the JVM, not throw).
    private final ReentrantReadWriteLock lifecycle = new ReentrantReadWriteLock();
    private volatile boolean closed;
    private final Compactor compactor;
    private final Scrubber scrubber;
    /** Versions found damaged and not repaired yet: refused on read so that coordinators read another replica. */
    private final DamageLedger damage;
    private final java.util.concurrent.atomic.LongAdder repaired = new java.util.concurrent.atomic.LongAdder();
    /**
     * Where the needles of the container being swapped went, while the index still names their old
     * offsets (between the rename of the compacted file and the end of the index's update).
     */
    private volatile Relocation relocation;
    // Payara Micro exits on SIGTERM without stopping resource adapters: close RocksDB cleanly anyway.
    private final Thread shutdownHook = new Thread(this::close, "needle-store-shutdown");

    private NeedleEngine(EngineConfig config, List<Path> spoolDirs, Container[] containers, NeedleIndex index,
                         WriteCounters counters) {
        this.config = config;
        this.layer = config.fileLayer();
        this.spoolDirs = spoolDirs;
        this.containers = new AtomicReferenceArray<>(containers);
        this.active = new AtomicIntegerArray(containers.length / config.containersPerDirectory());
        this.compactor = new Compactor(this);
        Path first = config.dataDirectories().get(0).toAbsolutePath().normalize();
        this.scrubber = new Scrubber(this, first.resolve("scrub.last"));
        this.damage = new DamageLedger(100_000, first.resolve("damage.list"));
        this.index = index;
        this.counters = counters;
        this.spoolBudget = new Spool.MemoryBudget(Math.max(16L << 20, 32L * config.spoolMemoryBytes()));
    }

    /**
     * Opens the store: creates missing directories and containers, opens the index (rebuilding it
     * from the containers when it is missing or cannot be opened), replays every container from
     * its checkpoint and truncates torn tails.
     *
     * @throws StoreUnavailableException when the store cannot be opened
     */
    public static NeedleEngine open(EngineConfig config) {
        FileLayer layer = config.fileLayer();
        WriteCounters counters = new WriteCounters();
        List<Container> opened = new ArrayList<>();
        NeedleIndex index = null;
        try {
            // The index first: RocksDB's lock keeps a second engine on the same directories from touching
            // anything (emptying the spool, creating containers) while this one runs.
            Path first = config.dataDirectories().get(0).toAbsolutePath().normalize();
            Files.createDirectories(first);
            Path indexDir = first.resolve("index");
            Path nativeDir = first.resolve("native");
            try {
                index = NeedleIndex.open(indexDir, nativeDir, config.rocksdbCacheBytes(), config.rocksdbWriteBufferBytes());
            } catch (UnusableIndexException e) {
                LOG.log(Level.SEVERE, "needle index unusable, rebuilding it from the containers: " + e.getMessage(), e);
                deleteTree(indexDir);
                index = NeedleIndex.open(indexDir, nativeDir, config.rocksdbCacheBytes(), config.rocksdbWriteBufferBytes());
            }
            List<Path> spoolDirs = new ArrayList<>();
            int perDir = config.containersPerDirectory();
            for (int d = 0; d < config.dataDirectories().size(); d++) {
                Path root = config.dataDirectories().get(d).toAbsolutePath().normalize();
                Path containerDir = Files.createDirectories(root.resolve("containers"));
                Path spool = Files.createDirectories(root.resolve("spool"));
                deletePartialCompactions(containerDir);
                emptySpool(spool);
                spoolDirs.add(spool);
                for (int i = 0; i < perDir; i++) {
                    int id = d * perDir + i;
                    opened.add(Container.open(layer, containerDir.resolve(String.format("container-%05d.ndl", id)), id,
                            config.fsyncPolicy(), TimeUnit.MICROSECONDS.toNanos(config.groupCommitDelayMicros()),
                            counters));
                }
            }
            recoverAll(opened, index);
            NeedleEngine engine = new NeedleEngine(config, spoolDirs, opened.toArray(new Container[0]), index, counters);
            engine.loadDamage();
            Runtime.getRuntime().addShutdownHook(engine.shutdownHook);
            engine.compactor.startAuto(config.autoCompaction());
            return engine;
        } catch (IOException | RuntimeException e) {
            opened.forEach(Container::close);
            if (index != null) {
                index.close();
            }
            if (e instanceof NeedleStoreException n) {
                throw n;
            }
            throw new StoreUnavailableException("cannot open the needle store in " + config.dataDirectories() + ": " + e, e);
        }
    }

    private static void recoverAll(List<Container> containers, NeedleIndex index) throws IOException {
        long[] from = new long[containers.size()];
        java.util.Set<Integer> reindex = new java.util.TreeSet<>();
        for (int i = 0; i < containers.size(); i++) {
            Container c = containers.get(i);
            long size = Files.size(c.path());
            Optional<NeedleIndex.Checkpoint> cp = index.created() ? Optional.empty() : index.checkpoint(c.id());
            from[i] = NeedleFormat.SUPERBLOCK_LENGTH;
            if (cp.isPresent() && cp.get().incarnation() == c.incarnation() && cp.get().end() <= size
                    && cp.get().end() >= NeedleFormat.SUPERBLOCK_LENGTH) {
                from[i] = cp.get().end();
            } else if (!index.created()) {
                // The index knows more than the file holds (cut by a power loss), or another file of that id:
                // forget what it says about this container and index the file from its start.
                LOG.log(Level.WARNING, "container {0}: checkpoint {1} does not match the file ({2} bytes); re-indexing it",
                        new Object[] {c.path(), cp.map(Object::toString).orElse("none"), size});
                reindex.add(c.id());
            }
        }
        index.dropContainers(reindex);
        for (int i = 0; i < containers.size(); i++) {
            Container c = containers.get(i);
            long[] replayed = {0};
            long end = c.recover(from[i], n -> {
                index.apply(record(n, c.id()), n.header().replacesOlder(), c.incarnation(), n.end());
                replayed[0]++;
            });
            index.writeCheckpoint(c.id(), c.incarnation(), end);
            if (replayed[0] > 0) {
                LOG.log(Level.INFO, "container {0}: indexed {1} needles from offset {2}",
                        new Object[] {c.path(), replayed[0], from[i]});
            }
        }
    }

    private static NeedleRecord record(NeedleFormat.Needle n, int containerId) {
        NeedleFormat.Header h = n.header();
        return new NeedleRecord(new NeedleKey(h.kind(), n.bucket(), n.name()), h.hlc(), n.versionId(), h.tombstone(),
                n.metadata(), h.dataLength(), HexFormat.of().formatHex(n.md5()), n.dataCrc(), containerId, n.offset(),
                h.needleLength());
    }

    /** The configuration the engine was opened with. */
    public EngineConfig config() {
        return config;
    }

    /** Counters of puts, fsyncs and bytes. */
    public WriteCounters counters() {
        return counters;
    }

    /** See {@link io.needlestack.storage.store.NeedleConnection#put}. */
    public PutResult put(NeedleWrite write, InputStream data, long length, boolean keepOlderVersions) {
        return put(write, data, length, keepOlderVersions, null);
    }

    /** A put that appends nothing unless the data's MD5 is {@code expectedMd5} (when not null). */
    private PutResult put(NeedleWrite write, InputStream data, long length, boolean keepOlderVersions,
                          String expectedMd5) {
        Objects.requireNonNull(write, "write");
        long dataLength = write.tombstone() ? 0 : length;
        if (dataLength < 0) {
            throw new IllegalArgumentException("negative length");
        }
        NeedleFormat.Prefix prefix = NeedleFormat.encodePrefix(write, !keepOlderVersions, dataLength);
        Container c = containerOf(write.key());
        ensureOpen();
        counters.putStarted();
        try {
            checkSpace(c.directory(), prefix.header().needleLength());
            InputStream in = write.tombstone() || data == null ? InputStream.nullInputStream() : data;
            boolean arriving = false;
            boolean arrived = false;
            try (Spool spool = Spool.create(layer, spoolDirs.get(c.id() / config.containersPerDirectory()), prefix, in,
                    config.spoolMemoryBytes(), spoolBudget)) {
                // Arriving only once the data is here: an fsync waiting for a PUT that still
                // receives its body from a client (100-continue, a slow network) waited up to the
                // group-commit delay for nothing it could cover.
                counters.arriving();
                arriving = true;
                lifecycle.readLock().lock();
                try {
                    ensureOpen();
                    String md5 = HexFormat.of().formatHex(spool.md5());
                    if (expectedMd5 != null && !expectedMd5.equals(md5)) {
                        throw new CorruptNeedleException("the copy of version " + write.versionId() + " of "
                                + write.key() + " has MD5 " + md5 + ", not " + expectedMd5 + ": not written");
                    }
                    Container target = c;
                    Container.Appended<PutResult> a;
                    for (int attempt = 1; ; attempt++) {
                        Container t = target;
                        try {
                            a = t.append(spool, config.minFreeBytes(), (offset, needleLength) -> {
                                NeedleRecord r = new NeedleRecord(write.key(), write.hlc(), write.versionId(),
                                        write.tombstone(), write.metadata(), dataLength, md5, spool.dataCrc(), t.id(),
                                        offset, needleLength);
                                return index.apply(r, !keepOlderVersions, t.incarnation(), offset + needleLength);
                            });
                            break;
                        } catch (ContainerRetiredException e) {
                            // Compaction swapped the file while this write waited for its lock.
                            if (attempt >= 3) {
                                throw e;
                            }
                            target = containerOf(write.key());
                        }
                    }
                    counters.arrived();
                    arrived = true;
                    target.awaitDurable(a.end());
                    return a.result();
                } finally {
                    lifecycle.readLock().unlock();
                }
            } finally {
                if (arriving && !arrived) {
                    counters.arrived();
                }
            }
        } finally {
            counters.putEnded();
        }
    }

    /** The newest version of a key, tombstones included. */
    public Optional<NeedleRecord> get(NeedleKey key) {
        return withIndex(() -> index.newest(key));
    }

    /** One version of a key. */
    public Optional<NeedleRecord> get(NeedleKey key, String versionId) {
        return withIndex(() -> index.version(key, versionId));
    }

    /** See {@link io.needlestack.storage.store.NeedleConnection#openData}. */
    public InputStream openData(NeedleRecord record, long from, long length) {
        ensureOpen();
        if (record.containerId() < 0 || record.containerId() >= containers.length()) {
            throw new IllegalArgumentException("no container " + record.containerId());
        }
        DamagedNeedle known = damage.get(record);
        if (known != null) {
            // Refused at once, so a coordinator reads another replica instead of streaming bytes
            // that fail at their last block.
            throw new CorruptNeedleException("version " + record.versionId() + " of " + record.key()
                    + " is damaged on this node (" + known.detail() + ", found by " + known.foundBy()
                    + ") and waits for a repair from a replica");
        }
        InputStream in = openLocated(record, from, length);
        // Only a stream over all the data checks the CRC32C; when it fails, list the version.
        return from == 0 && length == record.dataLength() ? new DamageReporting(in, record) : in;
    }

    private InputStream openLocated(NeedleRecord record, long from, long length) {
        try {
            return containers.get(record.containerId()).openData(record, from, length);
        } catch (ContainerRetiredException e) {
            // Swapped, and its last stream closed, between the lookup and the open: the successor's turn.
            try {
                return containers.get(record.containerId()).openData(record, from, length);
            } catch (StaleLocationException stale) {
                return reopen(record, from, length, stale);
            }
        } catch (StaleLocationException e) {
            return reopen(record, from, length, e);
        }
    }

    /**
     * Compaction may have moved the needle since the record was read: looks for it once more, in
     * the swap's table of moved offsets while the index is being updated, in the index after.
     */
    private InputStream reopen(NeedleRecord record, long from, long length, StaleLocationException stale) {
        Relocation r = relocation;
        long to = r != null && r.containerId() == record.containerId() ? r.newOffset(record.offset()) : -1;
        NeedleRecord now;
        if (to >= 0) {
            now = new NeedleRecord(record.key(), record.hlc(), record.versionId(), record.tombstone(),
                    record.metadata(), record.dataLength(), record.md5Hex(), record.crc32c(), record.containerId(), to,
                    record.needleLength());
        } else {
            Optional<NeedleRecord> indexed = withIndex(() -> index.version(record.key(), record.versionId()));
            if (indexed.isEmpty()) {
                NeedleGoneException gone = new NeedleGoneException("version " + record.versionId() + " of "
                        + record.key() + " is no longer stored here (replaced or dropped, and compacted away)");
                gone.addSuppressed(stale);
                throw gone;
            }
            now = indexed.get();
            if (now.hlc() != record.hlc()
                    || (now.containerId() == record.containerId() && now.offset() == record.offset())) {
                throw stale;
            }
        }
        return containers.get(now.containerId()).openData(now, from, length);
    }

    /** A whole-data stream that lists its version as damaged when the data fails its checksum. */
    private final class DamageReporting extends java.io.FilterInputStream {
        private final NeedleRecord record;

        DamageReporting(InputStream in, NeedleRecord record) {
            super(in);
            this.record = record;
        }

        @Override
        public int read() throws IOException {
            try {
                return super.read();
            } catch (CorruptNeedleException e) {
                throw reported(e);
            }
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            try {
                return in.read(b, off, len);
            } catch (CorruptNeedleException e) {
                throw reported(e);
            }
        }

        private CorruptNeedleException reported(CorruptNeedleException e) {
            try {
                reportDamage(record, "read", e.getMessage());
            } catch (RuntimeException x) {
                e.addSuppressed(x);
            }
            return e;
        }
    }

    // The damage listed before the restart, for the versions still stored as they were found.
    private void loadDamage() {
        int listed = damage.load(f -> index.flagged(f.ref().key(), f.ref().versionId())
                .filter(now -> now.record().hlc() == f.ref().hlc())
                .map(now -> new DamagedNeedle(now.record(), now.replacesOlder(), f.foundBy(), f.foundAtMillis(),
                        f.detail())));
        if (listed > 0) {
            LOG.log(Level.SEVERE, "{0} damaged versions found before the restart are still listed; this node does"
                    + " not serve them until they are repaired from a replica", listed);
        }
    }

    /**
     * Lists a version as damaged (once) and logs it. The record is looked up again: only a
     * version still stored here is listed.
     */
    void reportDamage(NeedleRecord found, String foundBy, String detail) {
        withIndex(() -> {
            index.flagged(found.key(), found.versionId()).filter(f -> f.record().hlc() == found.hlc())
                    .ifPresent(f -> reportDamageLocked(f, foundBy, detail));
            return null;
        });
    }

    /**
     * Reads one version in full and verifies it (the scrub's step). A needle that fails is judged
     * once more against the index: when the index names another place now (a compaction moved it)
     * that place is verified; when a compaction is swapping its container the version is left
     * for the compaction, which verifies what it copies.
     */
    Scrubber.Result verifyStored(NeedleRecord record) {
        lifecycle.readLock().lock();
        try {
            ensureOpen();
            NeedleRecord r = record;
            for (int attempt = 0; attempt < 3; attempt++) {
                if (damage.get(r) != null) {
                    return new Scrubber.Result(Scrubber.Verdict.SKIPPED, 0);
                }
                String failure = null;
                try {
                    return new Scrubber.Result(Scrubber.Verdict.VERIFIED, containers.get(r.containerId()).verify(r));
                } catch (ContainerRetiredException e) {
                    // Swapped by a compaction between the lookup and the read: look again.
                } catch (CorruptNeedleException e) {
                    failure = e.getMessage();
                }
                if (relocation != null || containers.get(r.containerId()).compacting()) {
                    return new Scrubber.Result(Scrubber.Verdict.SKIPPED, 0);
                }
                Optional<NeedleIndex.Flagged> now = index.flagged(r.key(), r.versionId());
                if (now.isEmpty() || now.get().record().hlc() != r.hlc()) {
                    return new Scrubber.Result(Scrubber.Verdict.GONE, 0);
                }
                NeedleRecord indexed = now.get().record();
                if (indexed.containerId() != r.containerId() || indexed.offset() != r.offset()) {
                    r = indexed;
                    continue;
                }
                if (failure != null) {
                    reportDamageLocked(now.get(), "scrub", failure);
                    return new Scrubber.Result(Scrubber.Verdict.DAMAGED, r.needleLength());
                }
            }
            return new Scrubber.Result(Scrubber.Verdict.SKIPPED, 0);
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    // reportDamage for a version the caller looked up, without taking the lifecycle lock again
    // (the caller holds it).
    private void reportDamageLocked(NeedleIndex.Flagged indexed, String foundBy, String detail) {
        NeedleRecord r = indexed.record();
        if (damage.add(new DamagedNeedle(r, indexed.replacesOlder(), foundBy, System.currentTimeMillis(), detail))) {
            LOG.log(Level.SEVERE, "version {0} of {1} (container {2}, offset {3}) is damaged: {4} (found by {5});"
                    + " this node no longer serves it until it is repaired from a replica",
                    new Object[] {r.versionId(), r.key(), r.containerId(), r.offset(), detail, foundBy});
        }
    }

    /** See {@link io.needlestack.storage.store.NeedleConnection#scrubStart}. */
    public ScrubStatus scrubStart(long bytesPerSecond) {
        ensureOpen();
        return scrubber.start(bytesPerSecond);
    }

    /** See {@link io.needlestack.storage.store.NeedleConnection#scrubStatus}. */
    public ScrubStatus scrubStatus() {
        return scrubber.status();
    }

    /** See {@link io.needlestack.storage.store.NeedleConnection#damaged}. */
    public List<DamagedNeedle> damaged() {
        List<DamagedNeedle> out = new ArrayList<>();
        for (DamagedNeedle d : damage.list()) {
            NeedleRecord r = d.record();
            // A version replaced or dropped since it was found is no longer anyone's to repair.
            if (get(r.key(), r.versionId()).filter(now -> now.hlc() == r.hlc()).isPresent()) {
                out.add(d);
            } else {
                damage.remove(r);
            }
        }
        return out;
    }

    int damagedCount() {
        return damage.size();
    }

    long repairedCount() {
        return repaired.sum();
    }

    /** See {@link io.needlestack.storage.store.NeedleConnection#repairDamaged}. */
    public boolean repairDamaged(NeedleRecord damagedRecord, InputStream data) {
        DamagedNeedle d = damage.get(damagedRecord);
        if (d == null) {
            return false;
        }
        NeedleRecord r = d.record();
        Optional<NeedleRecord> now = get(r.key(), r.versionId());
        if (now.isEmpty() || now.get().hlc() != r.hlc()) {
            // Replaced or dropped meanwhile: nothing of it is served any more.
            damage.remove(r);
            return false;
        }
        // The same version again: the index entry moves to the new, verified needle (same key,
        // HLC and version id), and the damaged bytes become garbage for compaction.
        put(new NeedleWrite(r.key(), r.hlc(), r.versionId(), r.tombstone(), r.metadata()), data, r.dataLength(),
                !d.replacesOlder(), r.md5Hex());
        damage.remove(r);
        repaired.increment();
        LOG.log(Level.INFO, "version {0} of {1} repaired from a copy of another replica (was damaged: {2})",
                new Object[] {r.versionId(), r.key(), d.detail()});
        return true;
    }

    /** See {@link io.needlestack.storage.store.NeedleConnection#list}. */
    public List<NeedleRecord> list(NeedleKind kind, String bucket, String prefix, String startAfter, int limit,
                                   boolean includeTombstones) {
        return withIndex(() -> index.list(kind, bucket, prefix, startAfter, limit, includeTombstones));
    }

    /** See {@link io.needlestack.storage.store.NeedleConnection#scan}. */
    public List<NeedleRecord> scan(NeedleRecord after, int limit) {
        return withIndex(() -> index.scan(after, limit));
    }

    /** See {@link io.needlestack.storage.store.NeedleConnection#drop}. */
    public boolean drop(NeedleKey key, long hlc, String versionId) {
        return withIndex(() -> index.drop(key, hlc, versionId));
    }

    /** Counters and free space. */
    public StoreStats stats() {
        long live = 0;
        boolean writable = !closed;
        for (Container c : containers()) {
            live += c.end();
            writable &= c.unwritableReason() == null;
        }
        long free = Long.MAX_VALUE;
        for (Path d : spoolDirs) {
            try {
                free = Math.min(free, layer.usableSpace(d));
            } catch (IOException e) {
                free = 0;
            }
        }
        writable &= free >= config.minFreeBytes();
        return new StoreStats(counters.puts(), counters.fsyncs(), counters.bytesWritten(), containers.length(), live, free,
                writable);
    }

    /** See {@link io.needlestack.storage.store.NeedleConnection#compactStart}. */
    public CompactionStatus compactStart(java.util.Set<Integer> containerIds) {
        ensureOpen();
        return compactor.start(containerIds);
    }

    /** See {@link io.needlestack.storage.store.NeedleConnection#compactSuspend}. */
    public CompactionStatus compactSuspend() {
        return compactor.suspend();
    }

    /** See {@link io.needlestack.storage.store.NeedleConnection#compactResume}. */
    public CompactionStatus compactResume() {
        return compactor.resume();
    }

    /** See {@link io.needlestack.storage.store.NeedleConnection#compactionStatus}. */
    public CompactionStatus compactionStatus() {
        return compactor.status();
    }

    /**
     * Bytes of each container's file that the index points at (a pass over the index), by id:
     * what compaction would keep.
     */
    long[] liveBytes() {
        return withIndex(() -> index.liveBytes(containers.length()));
    }

    /** See {@link io.needlestack.storage.store.NeedleConnection#usage}. */
    public List<ContainerUsage> usage() {
        // Files first: a needle appended between the two readings then counts as live, not as garbage.
        long[] files = fileBytes();
        long[] live = liveBytes();
        int perDir = config.containersPerDirectory();
        List<ContainerUsage> out = new ArrayList<>(files.length);
        for (int id = 0; id < files.length; id++) {
            Container c = containers.get(id);
            out.add(new ContainerUsage(id, config.dataDirectories().get(id / perDir).toString(), files[id],
                    Math.min(live[id], files[id]), active.get(id / perDir) == id % perDir, c.compacting()));
        }
        return out;
    }

    /**
     * Refuses ({@code NotEnoughSpace}) unless free space, less the space kept free, holds a copy
     * of the container: compaction writes the copy before it frees the old file.
     */
    void requireSpaceToCompact(int id) {
        Container c = containers.get(id);
        long usable;
        try {
            usable = layer.usableSpace(c.directory());
        } catch (IOException e) {
            usable = 0;
        }
        if (usable - c.end() < config.minFreeBytes()) {
            throw new CompactionRefusedException("NotEnoughSpace", "free space on " + c.directory() + " (" + usable
                    + " bytes) is smaller than container " + id + " (" + c.end() + " bytes) plus the "
                    + config.minFreeBytes() + " bytes kept free: compaction copies a container before it frees the"
                    + " old file");
        }
    }

    /** Bytes of each container's file now, by id. */
    long[] fileBytes() {
        long[] out = new long[containers.length()];
        for (int i = 0; i < out.length; i++) {
            out[i] = containers.get(i).end();
        }
        return out;
    }

    /**
     * Compacts one container (see {@link ContainerRewrite}): keeps the needles the index points at,
     * moves their index entries, and swaps the file. Runs under the store's read lock, so the
     * store cannot close under it ({@link #close} stops the compactor first).
     *
     * @throws CompactionRefusedException {@code NotEnoughSpace} when free space is smaller than the container
     */
    ContainerRewrite.Result compactContainer(int id, ContainerRewrite.Pacer pacer) throws IOException {
        lifecycle.readLock().lock();
        try {
            ensureOpen();
            requireSpaceToCompact(id);
            Container old = containers.get(id);
            old.compacting(true);
            boolean[] swapped = {false};
            List<NeedleIndex.Located> keys = new ArrayList<>();
            LongList from = new LongList();
            LongList to = new LongList();
            try {
                ContainerRewrite.Result result = ContainerRewrite.rewrite(old, new ContainerRewrite.Plan() {
                    @Override
                    public boolean keep(NeedleFormat.Head n) {
                        return index.pointsAt(n.key(), n.header().hlc(), n.versionId(), id, n.offset());
                    }

                    @Override
                    public void kept(NeedleFormat.Head n, long newOffset) {
                        keys.add(new NeedleIndex.Located(n.key(), n.header().hlc(), n.versionId()));
                        from.add(n.offset());
                        to.add(newOffset);
                    }

                    @Override
                    public void corrupt(NeedleFormat.Head n, String detail) {
                        index.flagged(n.key(), n.versionId()).filter(f -> f.record().hlc() == n.header().hlc())
                                .ifPresent(f -> reportDamageLocked(f, "compaction", detail));
                    }
                }, pacer, config.minFreeBytes(), successor -> {
                    swapped[0] = true;
                    containers.set(id, successor);
                    long[] oldOffsets = from.toArray();
                    long[] newOffsets = to.toArray();
                    relocation = new Relocation(id, oldOffsets, newOffsets);
                    index.relocate(id, keys, oldOffsets, newOffsets, successor.incarnation(), successor.end());
                    // Only once the index names the new offsets (and the new file's checkpoint is
                    // written) may the container take writes, or a restart would trust a checkpoint
                    // of the new file over entries still naming the old one.
                    relocation = null;
                    successor.compacting(false);
                });
                return result;
            } finally {
                if (!swapped[0]) {
                    old.compacting(false);
                }
            }
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    /** Native memory of the RocksDB index (see {@link NeedleIndex#nativeMemoryBytes()}). */
    public long indexMemoryBytes() {
        return withIndex(index::nativeMemoryBytes);
    }

    /** The containers, by id (for diagnostics and tests). */
    public List<Container> containers() {
        List<Container> out = new ArrayList<>(containers.length());
        for (int i = 0; i < containers.length(); i++) {
            out.add(containers.get(i));
        }
        return out;
    }

    /** True once {@link #close()} ran. */
    public boolean isClosed() {
        return closed;
    }

    /**
     * Waits for running operations, then closes the containers (streams still open keep their file
     * until they are closed) and the index (releasing RocksDB's lock). Idempotent.
     */
    @Override
    public void close() {
        // First, so that a running (or suspended) compaction or scrub lets go of the store's read lock.
        compactor.stop();
        scrubber.stop();
        lifecycle.writeLock().lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            if (Thread.currentThread() != shutdownHook) {
                try {
                    Runtime.getRuntime().removeShutdownHook(shutdownHook);
                } catch (IllegalStateException shuttingDown) {
                    // the hook is running or about to; close() is idempotent
                }
            }
            for (Container c : containers()) {
                c.close();
            }
            damage.close();
            index.close();
        } finally {
            lifecycle.writeLock().unlock();
        }
    }

    /**
     * The container a write goes to: the data directory by hash of the key (spreading keys over
     * disks), and in that directory the one container currently taking writes. Concurrent writers
     * therefore share one group commit per directory, instead of one per container, which is what
     * makes fsyncs few (a hash-chosen container per key would cap a group at threads / containers).
     * The active container rotates to the smallest one once it passes {@link #ACTIVE_CONTAINER_BYTES},
     * so containers fill in turn and each holds a stretch of time, which suits compaction.
     */
    private Container containerOf(NeedleKey key) {
        CRC32C crc = new CRC32C();
        crc.update(key.kind().code());
        crc.update(key.bucket().getBytes(StandardCharsets.UTF_8));
        crc.update(0);
        crc.update(key.name().getBytes(StandardCharsets.UTF_8));
        int perDir = config.containersPerDirectory();
        int dir = (int) Long.remainderUnsigned(crc.getValue(), containers.length() / perDir);
        int base = dir * perDir;
        int current = active.get(dir);
        Container c = containers.get(base + current);
        if (c.end() < ACTIVE_CONTAINER_BYTES && takesWrites(c)) {
            return c;
        }
        int smallest = -1;
        for (int i = 0; i < perDir; i++) {
            Container o = containers.get(base + i);
            if (takesWrites(o) && (smallest < 0 || o.end() < containers.get(base + smallest).end())) {
                smallest = i;
            }
        }
        if (smallest < 0) {
            // None takes writes: the current one answers why (full, failed, or being compacted).
            return c;
        }
        active.compareAndSet(dir, current, smallest);
        return containers.get(base + active.get(dir));
    }

    private static boolean takesWrites(Container c) {
        return c.unwritableReason() == null && !c.compacting();
    }

    private void checkSpace(Path directory, long needleLength) {
        long usable;
        try {
            usable = layer.usableSpace(directory);
        } catch (IOException e) {
            throw new StoreIOException("cannot read free space of " + directory, e);
        }
        // The spool may need the data's size again on top of the needle.
        if (usable - needleLength < config.minFreeBytes()) {
            throw new StoreFullException("free space on " + directory + " is " + usable + " bytes, below the "
                    + config.minFreeBytes() + " bytes kept free plus the " + needleLength + " bytes of this write");
        }
    }

    private <T> T withIndex(java.util.function.Supplier<T> call) {
        lifecycle.readLock().lock();
        try {
            ensureOpen();
            return call.get();
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new StoreUnavailableException("the needle store is closed");
        }
    }

    /** Compactions cut short by a crash or a kill: the container's own file is intact. */
    private static void deletePartialCompactions(Path containerDir) throws IOException {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(containerDir, "*" + ContainerRewrite.SUFFIX)) {
            for (Path f : files) {
                LOG.log(Level.WARNING, "deleting {0}: a compaction that did not finish", f);
                Files.deleteIfExists(f);
            }
        }
    }

    private static void emptySpool(Path spool) throws IOException {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(spool)) {
            for (Path f : files) {
                Files.deleteIfExists(f);
            }
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        }
    }
}
