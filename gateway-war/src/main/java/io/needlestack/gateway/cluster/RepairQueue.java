package io.needlestack.gateway.cluster;

import io.needlestack.storage.store.NeedleKey;
import io.needlestack.storage.store.NeedleKind;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * The coordinator's durable repair queue (hinted hand-off): one entry per replica write or
 * delete that failed, kept as a small file under the node's data directory (so a gateway-only
 * node keeps its own too), fsynced before the client is answered, and removed only once the
 * replica holds that version. An entry names the needle and version, not its bytes: the repairer
 * copies the version from a replica that acknowledged it.
 */
public final class RepairQueue {

    /** One pending repair. */
    public record Entry(Path file, String target, NeedleKey key, long hlc, String versionId, boolean tombstone,
                        int attempts, Instant notBefore) {
    }

    private static final Duration MAX_BACKOFF = Duration.ofMinutes(1);
    /** How often an entry for a target that waits for it is tried, whatever its back-off. */
    static final Duration EAGER_RETRY = Duration.ofSeconds(2);

    private final Path directory;
    private final AtomicLong depth = new AtomicLong();

    /** @param directory where entries are kept (created if missing) */
    public RepairQueue(Path directory) {
        this.directory = directory;
        try {
            Files.createDirectories(directory);
            try (DirectoryStream<Path> s = Files.newDirectoryStream(directory, "*.json")) {
                for (Path ignored : s) {
                    depth.incrementAndGet();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the repair queue in " + directory, e);
        }
    }

    /** Entries waiting. */
    public long depth() {
        return depth.get();
    }

    /** Entries waiting per target node (read from the files; empty without reading any when the queue is). */
    public java.util.Map<String, Long> depthByTarget() {
        java.util.Map<String, Long> out = new java.util.TreeMap<>();
        if (depth.get() == 0) {
            return out;
        }
        try (DirectoryStream<Path> s = Files.newDirectoryStream(directory, "*.json")) {
            for (Path f : s) {
                Entry e = read(f);
                if (e != null) {
                    out.merge(e.target(), 1L, Long::sum);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /** Records that {@code target} missed a write; durable when this returns. */
    public void add(String target, NeedleKey key, long hlc, String versionId, boolean tombstone) {
        Path file = directory.resolve(System.currentTimeMillis() + "-" + UUID.randomUUID() + ".json");
        write(file, new Entry(file, target, key, hlc, versionId, tombstone, 0, Instant.EPOCH));
        depth.incrementAndGet();
    }

    /**
     * Entries due now, oldest first, at most {@code limit}: those past their back-off, and those
     * for an {@code eager} target not tried in the last {@link #EAGER_RETRY}.
     */
    public List<Entry> due(Instant now, int limit, Predicate<String> eager) {
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(directory, "*.json")) {
            s.forEach(files::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        files.sort(null);
        List<Entry> out = new ArrayList<>();
        for (Path f : files) {
            Entry e = read(f);
            if (e != null && (!e.notBefore().isAfter(now)
                    || eager.test(e.target()) && !lastTried(e).plus(EAGER_RETRY).isAfter(now))) {
                out.add(e);
                if (out.size() == limit) {
                    break;
                }
            }
        }
        return out;
    }

    /** The repair landed: the entry goes. */
    public void done(Entry e) {
        try {
            if (Files.deleteIfExists(e.file())) {
                depth.decrementAndGet();
            }
        } catch (IOException x) {
            throw new UncheckedIOException(x);
        }
    }

    /** The repair failed again: retried later, with exponential back-off up to a minute. */
    public void retryLater(Entry e, Instant now) {
        long seconds = backoffSeconds(e.attempts());
        write(e.file(), new Entry(e.file(), e.target(), e.key(), e.hlc(), e.versionId(), e.tombstone(),
                e.attempts() + 1, now.plusSeconds(seconds)));
    }

    private static long backoffSeconds(int attempts) {
        return Math.min(MAX_BACKOFF.toSeconds(), 1L << Math.min(attempts, 6));
    }

    /** When the entry was last tried: its back-off before its due time; the epoch when never. */
    private static Instant lastTried(Entry e) {
        return e.attempts() == 0 ? Instant.EPOCH : e.notBefore().minusSeconds(backoffSeconds(e.attempts() - 1));
    }

    private void write(Path file, Entry e) {
        String json = Json.createObjectBuilder()
                .add("target", e.target()).add("kind", e.key().kind().name()).add("bucket", e.key().bucket())
                .add("name", e.key().name()).add("hlc", e.hlc()).add("versionId", e.versionId())
                .add("tombstone", e.tombstone()).add("attempts", e.attempts())
                .add("notBefore", e.notBefore().toString()).build().toString();
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ch.write(ByteBuffer.wrap(json.getBytes(StandardCharsets.UTF_8)));
                ch.force(true);
            }
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException x) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
            try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
                dir.force(true);
            }
        } catch (IOException x) {
            throw new UncheckedIOException("cannot write repair entry " + file, x);
        }
    }

    private static Entry read(Path f) {
        try {
            JsonObject o;
            try (var r = Json.createReader(new StringReader(Files.readString(f, StandardCharsets.UTF_8)))) {
                o = r.readObject();
            }
            return new Entry(f, o.getString("target"),
                    new NeedleKey(NeedleKind.valueOf(o.getString("kind")), o.getString("bucket"), o.getString("name")),
                    o.getJsonNumber("hlc").longValue(), o.getString("versionId"), o.getBoolean("tombstone"),
                    o.getInt("attempts"), Instant.parse(o.getString("notBefore")));
        } catch (IOException | RuntimeException e) {
            return null; // removed meanwhile, or a torn write from a crash: the next write replaces it
        }
    }
}
