package io.needlestack.gateway.object;

import io.needlestack.core.clock.HybridLogicalClock;
import io.needlestack.core.config.NodeConfig;
import io.needlestack.core.platform.PlatformServices;
import io.needlestack.gateway.s3.error.S3ErrorCode;
import io.needlestack.gateway.s3.error.S3Exception;
import io.needlestack.storage.store.NeedleKey;
import io.needlestack.storage.store.NeedleKind;
import io.needlestack.storage.store.NeedleRecord;
import io.needlestack.storage.store.NeedleWrite;
import io.needlestack.storage.store.PutResult;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * S3 objects over needles: writes small objects as one needle and large ones as chunks plus a
 * manifest, reads them back as one stream (ranges included), deletes with tombstones and
 * collects the chunks of versions that were replaced.
 */
@ApplicationScoped
public class ObjectStore {

    /** S3's "null" version id of unversioned objects. */
    public static final String NULL_VERSION = "null";
    /** Seconds the chunks of a replaced version are kept before they are collected (default 300). */
    public static final String COLLECT_DELAY_PROPERTY = "needlestack.chunk.collect.delay.seconds";

    private static final Logger LOG = Logger.getLogger(ObjectStore.class.getName());
    private static final SecureRandom RANDOM = new SecureRandom();

    @Inject
    NeedleStorage storage;

    @Resource
    ManagedScheduledExecutorService scheduler;

    private HybridLogicalClock clock;
    private ObjectWriteLocks writeLocks;
    private long chunkBytes;
    private long collectDelaySeconds;

    @PostConstruct
    void init() {
        NodeConfig config = NodeConfig.current();
        chunkBytes = config.getLong("needlestack.chunk.bytes", 5L * 1024 * 1024);
        collectDelaySeconds = config.getLong(COLLECT_DELAY_PROPERTY, 300);
        clock = HybridLogicalClock.persistent(config.dataDirectory().resolve("gateway").resolve("hlc"));
        PlatformServices platform = new PlatformServices();
        writeLocks = new ObjectWriteLocks(platform::hazelcast,
                config.getLong("needlestack.conditional.lock.wait.millis", 10_000),
                config.getLong("needlestack.conditional.lock.lease.millis", 600_000));
    }

    /** Size of the chunks large objects are cut into. */
    public long chunkBytes() {
        return chunkBytes;
    }

    /** A fresh HLC timestamp. */
    public long now() {
        return clock.now();
    }

    /**
     * Stores an object, replacing any older version, and returns it once durable.
     *
     * @param meta   stored metadata (content headers, user metadata, owner)
     * @param body   exactly {@code length} bytes; a verifying stream may fail at its end, in which
     *               case nothing is stored
     */
    public StoredObject put(String bucket, String key, Map<String, String> meta, InputStream body, long length) {
        return put(bucket, key, meta, body, length, ObjectPrecondition.NONE);
    }

    /**
     * Stores an object if {@code condition} holds for the key's current object (a conditional
     * write). The condition is checked first, before any of the body is read, so that a write
     * bound to fail fails at once; then again under the key's write lock, right before the write
     * that makes the new version current (for a chunked object, after its chunks are written and
     * before its manifest is), as S3 checks it when the upload completes.
     *
     * @param condition {@link ObjectPrecondition#NONE} for an unconditional write
     */
    public StoredObject put(String bucket, String key, Map<String, String> meta, InputStream body, long length,
                            ObjectPrecondition condition) {
        if (condition != ObjectPrecondition.NONE) {
            condition.check(live(bucket, key, storage.headLatest(NeedleKey.object(bucket, key))));
        }
        if (length <= chunkBytes) {
            Map<String, String> m = new HashMap<>(meta);
            m.put(ObjectAttributes.SIZE, Long.toString(length));
            PutResult r;
            // Held while the body streams in: a small body is written as it arrives, in one needle.
            try (ObjectWriteLocks.Held held = lockFor(bucket, key, condition)) {
                long hlc = clock.now();
                r = storage.put(new NeedleWrite(NeedleKey.object(bucket, key), hlc, newVersionId(hlc), false, m),
                        body, length, false);
            }
            collect(bucket, r.superseded());
            return new StoredObject(bucket, key, r.record());
        }
        long hlc = clock.now();
        String version = newVersionId(hlc);
        MessageDigest md5 = md5();
        DigestInputStream in = new DigestInputStream(body, md5);
        List<Manifest.Chunk> chunks = writeChunks(bucket, key + "\n" + version, in, length, hlc);
        Map<String, String> m = new HashMap<>(meta);
        m.put(ObjectAttributes.ETAG, HexFormat.of().formatHex(md5.digest()));
        return putManifest(bucket, key, new Manifest(chunks), m, hlc, version, condition, true);
    }

    /**
     * The key's write lock when {@code condition} is a condition, checked once the lock is held;
     * nothing to hold otherwise. The clock observes the version checked, so that a timestamp
     * taken under the lock (after this returns) orders the write after it, whichever gateway's
     * clock wrote it: a writer that took its timestamp before waiting for the lock would
     * otherwise be acknowledged with a version older than the one it replaced.
     */
    private ObjectWriteLocks.Held lockFor(String bucket, String key, ObjectPrecondition condition) {
        if (condition == ObjectPrecondition.NONE) {
            return () -> { };
        }
        ObjectWriteLocks.Held held = writeLocks.lock(bucket, key);
        try {
            Optional<NeedleRecord> current = storage.headLatest(NeedleKey.object(bucket, key));
            current.ifPresent(r -> clock.observe(r.hlc()));
            condition.check(live(bucket, key, current));
        } catch (RuntimeException e) {
            held.close();
            throw e;
        }
        return held;
    }

    /**
     * Writes the object needle of a chunked object (a large PUT or a completed multipart upload),
     * if {@code condition} holds (checked under the key's write lock).
     *
     * @param ownsChunks whether the chunks are this write's alone, and collected again if it fails
     *                   (a large PUT's); a multipart upload's chunks stay with the upload, which
     *                   the client may complete again or abort
     */
    StoredObject putManifest(String bucket, String key, Manifest manifest, Map<String, String> meta, long hlc,
                             String version, ObjectPrecondition condition, boolean ownsChunks) {
        Map<String, String> m = new HashMap<>(meta);
        m.put(ObjectAttributes.SIZE, Long.toString(manifest.length()));
        m.put(ObjectAttributes.MANIFEST, "1");
        byte[] data = manifest.encode();
        PutResult r;
        try (ObjectWriteLocks.Held held = lockFor(bucket, key, condition)) {
            // A conditional write's version is timed under the lock (see lockFor); its chunks keep theirs.
            long writeHlc = condition == ObjectPrecondition.NONE ? hlc : clock.now();
            r = storage.put(new NeedleWrite(NeedleKey.object(bucket, key), writeHlc, version, false, m),
                    new ByteArrayInputStream(data), data.length, false);
        } catch (RuntimeException e) {
            if (ownsChunks) {
                deleteChunks(bucket, manifest.chunks());
            }
            throw e;
        }
        collect(bucket, r.superseded());
        return new StoredObject(bucket, key, r.record());
    }

    /**
     * Writes {@code length} bytes of {@code in} as chunks named {@code prefix + "\n" + index}.
     * If any write fails, the chunks already written are deleted and the failure rethrown.
     */
    List<Manifest.Chunk> writeChunks(String bucket, String prefix, InputStream in, long length, long hlc) {
        List<Manifest.Chunk> chunks = new ArrayList<>();
        long remaining = length;
        int index = 0;
        try {
            while (remaining > 0) {
                long n = Math.min(chunkBytes, remaining);
                String name = prefix + "\n" + index;
                storage.put(new NeedleWrite(new NeedleKey(NeedleKind.CHUNK, bucket, name), hlc, NULL_VERSION, false,
                        null), BoundedInputStream.sharing(in, n), n, false);
                chunks.add(new Manifest.Chunk(name, n));
                remaining -= n;
                index++;
            }
        } catch (RuntimeException e) {
            deleteChunks(bucket, chunks);
            throw e;
        }
        return chunks;
    }

    /** The newest live version of an object. */
    public Optional<StoredObject> head(String bucket, String key) {
        return live(bucket, key, storage.head(NeedleKey.object(bucket, key)));
    }

    /** The object a key's newest version is, none when it is a tombstone. */
    private static Optional<StoredObject> live(String bucket, String key, Optional<NeedleRecord> newest) {
        return newest.filter(r -> !r.tombstone()).map(r -> new StoredObject(bucket, key, r));
    }

    /** The object's data from {@code from}, {@code length} bytes, streamed chunk by chunk. */
    public InputStream open(StoredObject object, long from, long length) {
        if (!object.chunked()) {
            return storage.open(object.record(), from, length);
        }
        return new ChunkedInputStream(object.bucket(), manifestOf(object).chunks(), from, length);
    }

    /** The manifest of a chunked object. */
    Manifest manifestOf(StoredObject object) {
        return readManifest(object.record());
    }

    /** The manifest a chunked object's (or part's) needle holds. */
    public Manifest readManifest(NeedleRecord record) {
        try (InputStream in = storage.open(record, 0, record.dataLength())) {
            return Manifest.decode(in);
        } catch (IOException e) {
            throw new UncheckedIOException("manifest of " + record.key() + " unreadable", e);
        }
    }

    /** Deletes an object (S3 deletes of absent keys succeed too). */
    public void delete(String bucket, String key) {
        delete(bucket, key, ObjectPrecondition.NONE);
    }

    /**
     * Deletes an object if {@code condition} holds for it (a conditional delete, checked under the
     * key's write lock as a conditional write is).
     */
    public void delete(String bucket, String key, ObjectPrecondition condition) {
        PutResult r;
        try (ObjectWriteLocks.Held held = lockFor(bucket, key, condition)) {
            long hlc = clock.now();
            r = storage.put(new NeedleWrite(NeedleKey.object(bucket, key), hlc, newVersionId(hlc), true, null),
                    InputStream.nullInputStream(), 0, false);
        }
        collect(bucket, r.superseded());
    }

    /** Live objects of a bucket in key order, after {@code startAfter}. */
    public List<StoredObject> list(String bucket, String prefix, String startAfter, int limit) {
        List<StoredObject> out = new ArrayList<>();
        for (NeedleRecord r : storage.list(NeedleKind.OBJECT, bucket, prefix, startAfter, limit, false)) {
            out.add(new StoredObject(bucket, r.key().name(), r));
        }
        return out;
    }

    /** Whether a bucket holds no live object. */
    public boolean isEmpty(String bucket) {
        return storage.list(NeedleKind.OBJECT, bucket, "", null, 1, false).isEmpty();
    }

    NeedleStorage storage() {
        return storage;
    }

    /**
     * Collects the chunks of replaced versions, which nothing references any more, after a grace
     * period ({@code needlestack.chunk.collect.delay.seconds}, default 300): a GET that began
     * before the overwrite opens the old version's chunks one by one and must still find them.
     * Chunks whose collection a restart interrupted are found by {@code OrphanChunkCollector}.
     */
    void collect(String bucket, List<NeedleRecord> superseded) {
        for (NeedleRecord old : superseded) {
            if (!old.tombstone() && "1".equals(old.metadata().get(ObjectAttributes.MANIFEST))) {
                try {
                    List<Manifest.Chunk> chunks = readManifest(old).chunks();
                    Runnable task = () -> {
                        try {
                            deleteChunks(bucket, chunks);
                        } catch (RuntimeException e) {
                            LOG.log(Level.WARNING, "could not collect chunks of " + old.key(), e);
                        }
                    };
                    if (scheduler == null || collectDelaySeconds == 0) {
                        task.run();
                    } else {
                        scheduler.schedule(task, collectDelaySeconds, TimeUnit.SECONDS);
                    }
                } catch (RuntimeException e) {
                    // Left for OrphanChunkCollector; the write itself succeeded.
                    LOG.log(Level.WARNING, "could not collect chunks of " + old.key(), e);
                }
            }
        }
    }

    /** Deletes chunks now: a tombstone for each, written to the chunk's replicas. */
    public void deleteChunks(String bucket, List<Manifest.Chunk> chunks) {
        long hlc = clock.now();
        for (Manifest.Chunk c : chunks) {
            storage.put(new NeedleWrite(new NeedleKey(NeedleKind.CHUNK, bucket, c.name()), hlc, NULL_VERSION, true,
                    null), InputStream.nullInputStream(), 0, false);
        }
    }

    /** A version id unique to this write: the HLC and random bits, so chunk names never collide. */
    static String newVersionId(long hlc) {
        return Long.toHexString(hlc) + Long.toHexString(RANDOM.nextLong() | Long.MIN_VALUE);
    }

    static MessageDigest md5() {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Reads a range of a chunked object, opening one chunk at a time. */
    private final class ChunkedInputStream extends InputStream {
        private final String bucket;
        private final List<Manifest.Chunk> chunks;
        private int index;
        private long offsetInChunk;
        private long remaining;
        private InputStream current;

        ChunkedInputStream(String bucket, List<Manifest.Chunk> chunks, long from, long length) {
            this.bucket = bucket;
            this.chunks = chunks;
            this.remaining = length;
            long skip = from;
            while (index < chunks.size() && skip >= chunks.get(index).length()) {
                skip -= chunks.get(index).length();
                index++;
            }
            this.offsetInChunk = skip;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (remaining <= 0) {
                return -1;
            }
            while (true) {
                if (current == null) {
                    if (index >= chunks.size()) {
                        throw new IOException("object shorter than its manifest says");
                    }
                    Manifest.Chunk c = chunks.get(index);
                    NeedleRecord r = storage.head(new NeedleKey(NeedleKind.CHUNK, bucket, c.name()))
                            .filter(x -> !x.tombstone())
                            .orElseThrow(() -> new IOException("chunk " + c.name().replace('\n', '/') + " missing"));
                    long n = Math.min(c.length() - offsetInChunk, remaining);
                    current = storage.open(r, offsetInChunk, n);
                    offsetInChunk = 0;
                }
                int n = current.read(b, off, (int) Math.min(len, remaining));
                if (n > 0) {
                    remaining -= n;
                    return n;
                }
                current.close();
                current = null;
                index++;
            }
        }

        @Override
        public void close() throws IOException {
            if (current != null) {
                current.close();
                current = null;
            }
        }
    }

    /** Throws NoSuchKey for an absent object. */
    public StoredObject require(String bucket, String key) {
        return head(bucket, key).orElseThrow(() -> new S3Exception(S3ErrorCode.NO_SUCH_KEY, null, "/" + bucket + "/" + key)
                .with("Key", key));
    }
}
