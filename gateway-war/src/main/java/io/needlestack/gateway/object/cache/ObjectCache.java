package io.needlestack.gateway.object.cache;

import io.needlestack.gateway.object.BoundedInputStream;
import io.needlestack.storage.store.NeedleKind;
import io.needlestack.storage.store.NeedleRecord;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.CRC32C;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Predicate;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The read-through object cache: {@link #open} serves a range of a version's body from memory or
 * disk when that exact version is held. Otherwise, once the version has been read often enough to
 * be admitted ({@link Admission}), it reads the whole body once from the source, checks it against
 * the version's CRC32C, keeps it, and serves the range from the copy; before that, the read goes
 * to the source. Versions that
 * are not cacheable (tombstones, multipart parts, empty or oversized bodies, a switched-off cache)
 * go straight to the source. A failing cache never fails a read: the source is used instead.
 */
public final class ObjectCache implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(ObjectCache.class.getName());
    /**
     * Bodies in 100 of this node's own that must be read again after their fill for the memory
     * tier to keep filling freely ({@link FillThrottle}): a hit saves one local read, a fill costs
     * a read of the whole body and its copy in the heap.
     */
    static final int LOCAL_USED_PERCENT = 50;
    /** The same for bodies fetched from other nodes, whose hits save a network transfer. */
    static final int REMOTE_USED_PERCENT = 10;

    /** Where a cache miss reads a body (the needle storage's own {@code open}). */
    @FunctionalInterface
    public interface Source {
        /** Streams {@code length} bytes of a record's data from {@code from}. */
        InputStream open(NeedleRecord record, long from, long length);
    }

    private final CacheSettings settings;
    private final MemoryTier memory;
    private final DiskTier disk;
    private final Admission admission;
    /** Fills of bodies this node stores itself: a hit saves only a local read, so fills must pay more. */
    private final FillThrottle localFills;
    /** Fills of bodies fetched from other nodes: a hit saves a transfer across the network. */
    private final FillThrottle remoteFills;
    private final LongAdder memoryHits = new LongAdder();
    private final LongAdder memoryMisses = new LongAdder();
    private final LongAdder diskHits = new LongAdder();
    private final LongAdder diskMisses = new LongAdder();

    /**
     * @param settings sizes (a disabled cache holds nothing)
     * @param diskDir  the disk tier's directory, emptied now
     */
    public ObjectCache(CacheSettings settings, Path diskDir) {
        this.settings = settings;
        this.memory = settings.memoryOn() ? new MemoryTier(settings.memoryBytes()) : null;
        this.disk = settings.diskOn() ? new DiskTier(diskDir, settings.diskBytes()) : null;
        this.admission = new Admission(settings.minUses());
        this.localFills = new FillThrottle(LOCAL_USED_PERCENT, memory == null ? () -> 0 : memory::evictions);
        this.remoteFills = new FillThrottle(REMOTE_USED_PERCENT, memory == null ? () -> 0 : memory::evictions);
    }

    /** The settings in force. */
    public CacheSettings settings() {
        return settings;
    }

    /** {@link #open(NeedleRecord, long, long, Source, boolean)} of data fetched from another node. */
    public InputStream open(NeedleRecord record, long from, long length, Source source) {
        return open(record, from, length, source, false);
    }

    /**
     * {@code length} bytes of the record's data from {@code from}, from the cache where possible.
     *
     * @param local whether {@code source} reads this node's own replica: such data is kept in
     *              memory when small, never copied to the disk tier (unless {@code diskLocal})
     */
    public InputStream open(NeedleRecord record, long from, long length, Source source, boolean local) {
        if (!cacheable(record)) {
            return source.open(record, from, length);
        }
        VersionKey version = VersionKey.of(record);
        long size = record.dataLength();
        if (from < 0 || length < 0 || from + length > size) {
            return source.open(record, from, length);
        }
        if (memory != null && size < settings.memoryMaxObjectBytes()) {
            FillThrottle fills = local ? localFills : remoteFills;
            MemoryTier.Body held = memory.get(version);
            if (held != null) {
                memoryHits.increment();
                fills.hit(held);
                return new ByteArrayInputStream(held.data, (int) from, (int) length);
            }
            memoryMisses.increment();
            if (!admission.admit(version) || !fills.mayFill()) {
                return source.open(record, from, length);
            }
            byte[] data = readWhole(record, source);
            if (data == null) {
                return source.open(record, from, length);
            }
            memory.put(version, data);
            fills.filled();
            return new ByteArrayInputStream(data, (int) from, (int) length);
        }
        if (disk != null && size <= settings.diskMaxObjectBytes() && (!local || settings.diskLocal())) {
            Optional<InputStream> hit = fromDisk(version, from, length);
            if (hit.isPresent()) {
                diskHits.increment();
                return hit.get();
            }
            diskMisses.increment();
            if (!admission.admit(version)) {
                return source.open(record, from, length);
            }
            try (InputStream in = source.open(record, 0, size)) {
                if (disk.store(version, in, size)) {
                    hit = fromDisk(version, from, length);
                    if (hit.isPresent()) {
                        return hit.get();
                    }
                }
            } catch (IOException e) {
                LOG.log(Level.FINE, "could not cache " + record.key().name(), e);
            }
        }
        return source.open(record, from, length);
    }

    /**
     * What a {@link #purge} dropped.
     *
     * @param memoryEntries entries dropped from the memory tier
     * @param diskEntries   entries dropped from the disk tier (their files unlinked)
     */
    public record Purged(int memoryEntries, int diskEntries) {
    }

    /**
     * Drops an object from both tiers, whatever version is held (an operator's
     * {@code purge-cache}): its own entry and those of its chunks. Chunk names start with the
     * object's key and a line feed ({@code key\nversion\nindex} for a large PUT,
     * {@code key\nuploadId\n..} for a multipart upload), so every chunk that belongs to the key
     * is found without reading its manifest; a key that itself continues with a line feed and
     * more loses its chunks too, which costs only a read from storage. Not counted as evictions.
     */
    public Purged purge(String bucket, String key) {
        String object = VersionKey.slot(NeedleKind.OBJECT, bucket, key);
        String chunks = VersionKey.slot(NeedleKind.CHUNK, bucket, key + "\n");
        Predicate<String> slots = s -> s.equals(object) || s.startsWith(chunks);
        return new Purged(memory == null ? 0 : memory.purge(slots), disk == null ? 0 : disk.purge(slots));
    }

    /** Whether a record's body may be cached at all. */
    static boolean cacheable(NeedleRecord r) {
        return !r.tombstone() && r.dataLength() > 0 && r.md5Hex() != null && !r.md5Hex().isEmpty()
                && (r.key().kind() == NeedleKind.OBJECT || r.key().kind() == NeedleKind.CHUNK);
    }

    /** The whole body, checked against its CRC32C; null when it could not be read or does not match. */
    private static byte[] readWhole(NeedleRecord record, Source source) {
        try (InputStream in = source.open(record, 0, record.dataLength())) {
            // Read into the final array: the store then reads its blocks straight into it.
            byte[] data = new byte[(int) record.dataLength()];
            if (in.readNBytes(data, 0, data.length) != data.length || in.read() >= 0) {
                return null;
            }
            CRC32C crc = new CRC32C();
            crc.update(data);
            return (int) crc.getValue() == record.crc32c() ? data : null;
        } catch (IOException e) {
            LOG.log(Level.FINE, "could not cache " + record.key().name(), e);
            return null;
        }
    }

    /** A range of a verified disk copy of this version, if there is one. */
    private Optional<InputStream> fromDisk(VersionKey version, long from, long length) {
        Optional<FileChannel> opened = disk.open(version);
        if (opened.isEmpty()) {
            return Optional.empty();
        }
        FileChannel ch = opened.get();
        try {
            if (!DiskTier.verify(ch, version)) {
                LOG.warning(() -> "cache file of " + version.name() + " damaged: dropped");
                ch.close();
                disk.forget(version);
                return Optional.empty();
            }
            ch.position(from);
            return Optional.of(BoundedInputStream.owning(Channels.newInputStream(ch), length));
        } catch (IOException e) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // already failing
            }
            disk.forget(version);
            return Optional.empty();
        }
    }

    /** Counters per tier. */
    public List<TierStats> stats() {
        List<TierStats> out = new ArrayList<>(2);
        out.add(new TierStats("memory", memoryHits.sum(), memoryMisses.sum(),
                memory == null ? 0 : memory.evictions(), memory == null ? 0 : memory.bytes(),
                memory == null ? 0 : memory.entries(), localFills.skipped() + remoteFills.skipped()));
        out.add(new TierStats("disk", diskHits.sum(), diskMisses.sum(), disk == null ? 0 : disk.evictions(),
                disk == null ? 0 : disk.bytes(), disk == null ? 0 : disk.entries(), 0));
        return out;
    }

    @Override
    public void close() {
        if (memory != null) {
            memory.close();
        }
    }
}
