package io.needlestack.gateway.object.cache;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Predicate;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import java.util.zip.CheckedOutputStream;

/**
 * Larger bodies and chunks on disk: one file per version in one directory, bounded by total
 * bytes, least recently used evicted first, one entry per name. A file is written under a
 * temporary name and moved into place only once complete and matching its CRC32C; it is verified
 * again when read, so a damaged file is dropped, never served. The directory is emptied when the
 * tier starts: entries of an earlier run are not trusted (nor counted).
 *
 * <p>An evicted or replaced file may still be open by a reader: it is unlinked, and the reader
 * finishes on its open handle (POSIX semantics).
 */
final class DiskTier {

    private static final Logger LOG = Logger.getLogger(DiskTier.class.getName());
    private static final String PARTIAL = ".partial";

    private record Entry(VersionKey version, Path file, long size) {
    }

    private final Path dir;
    private final long maxBytes;
    private final LinkedHashMap<String, Entry> lru = new LinkedHashMap<>(64, 0.75f, true);
    private final LongAdder evictions = new LongAdder();
    private long bytes;

    DiskTier(Path dir, long maxBytes) {
        this.dir = dir;
        this.maxBytes = maxBytes;
        try {
            Files.createDirectories(dir);
            try (Stream<Path> old = Files.list(dir)) {
                for (Path p : (Iterable<Path>) old::iterator) {
                    Files.deleteIfExists(p);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cache directory " + dir + " unusable", e);
        }
    }

    /**
     * An open file holding exactly this version, if held; the caller verifies and closes it. The
     * entry becomes the most recently used.
     */
    synchronized Optional<FileChannel> open(VersionKey version) {
        Entry e = lru.get(version.slot());
        if (e == null || !e.version().equals(version)) {
            return Optional.empty();
        }
        try {
            return Optional.of(FileChannel.open(e.file(), StandardOpenOption.READ));
        } catch (NoSuchFileException x) {
            forget(version);
            return Optional.empty();
        } catch (IOException x) {
            LOG.log(Level.WARNING, "cache file " + e.file() + " unreadable", x);
            forget(version);
            return Optional.empty();
        }
    }

    /**
     * Copies a version's complete body from {@code in} into the tier, if it fits. Returns false,
     * leaving nothing behind, when the body is too large, shorter or longer than {@code size}, or
     * differs from the version's CRC32C.
     */
    boolean store(VersionKey version, InputStream in, long size) throws IOException {
        if (size > maxBytes) {
            return false;
        }
        Path tmp = dir.resolve(version.fileName() + "." + Long.toHexString(ThreadLocalRandom.current().nextLong())
                + PARTIAL);
        try {
            CRC32C crc = new CRC32C();
            long copied;
            try (OutputStream out = new CheckedOutputStream(Files.newOutputStream(tmp), crc)) {
                copied = in.transferTo(out);
            }
            if (copied != size || (int) crc.getValue() != version.crc32c()) {
                LOG.fine(() -> "not caching " + version.name() + ": body differs from its record");
                return false;
            }
            Path file = dir.resolve(version.fileName());
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            List<Path> unlink = new ArrayList<>();
            synchronized (this) {
                Entry previous = lru.put(version.slot(), new Entry(version, file, size));
                if (previous != null) {
                    bytes -= previous.size();
                    if (!previous.file().equals(file)) {
                        unlink.add(previous.file());
                    }
                }
                bytes += size;
                Iterator<Map.Entry<String, Entry>> it = lru.entrySet().iterator();
                while (bytes > maxBytes && it.hasNext()) {
                    Entry victim = it.next().getValue();
                    it.remove();
                    bytes -= victim.size();
                    evictions.increment();
                    unlink.add(victim.file());
                }
            }
            for (Path p : unlink) {
                Files.deleteIfExists(p);
            }
            return true;
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Drops this version's entry (a file found damaged or gone). */
    synchronized void forget(VersionKey version) {
        Entry e = lru.get(version.slot());
        if (e != null && e.version().equals(version)) {
            lru.remove(version.slot());
            bytes -= e.size();
            try {
                Files.deleteIfExists(e.file());
            } catch (IOException x) {
                LOG.log(Level.FINE, "could not remove " + e.file(), x);
            }
        }
    }

    /**
     * Drops every entry whose slot ({@link VersionKey#slot()}) {@code slots} accepts, whatever
     * version it holds (an operator's purge), and unlinks its file; a reader that has the file
     * open finishes on its handle. Not counted as an eviction.
     *
     * @return how many entries were dropped
     */
    int purge(Predicate<String> slots) {
        List<Path> unlink = new ArrayList<>();
        synchronized (this) {
            Iterator<Map.Entry<String, Entry>> it = lru.entrySet().iterator();
            while (it.hasNext()) {
                Map.Entry<String, Entry> e = it.next();
                if (slots.test(e.getKey())) {
                    it.remove();
                    bytes -= e.getValue().size();
                    unlink.add(e.getValue().file());
                }
            }
        }
        for (Path p : unlink) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException x) {
                LOG.log(Level.FINE, "could not remove " + p, x);
            }
        }
        return unlink.size();
    }

    /** Whether the whole file matches its version's CRC32C. */
    static boolean verify(FileChannel ch, VersionKey version) throws IOException {
        CRC32C crc = new CRC32C();
        ByteBuffer buf = ByteBuffer.allocateDirect(64 * 1024);
        long pos = 0;
        int n;
        while ((n = ch.read(buf, pos)) > 0) {
            buf.flip();
            crc.update(buf);
            buf.clear();
            pos += n;
        }
        return (int) crc.getValue() == version.crc32c();
    }

    long evictions() {
        return evictions.sum();
    }

    synchronized long bytes() {
        return bytes;
    }

    synchronized long entries() {
        return lru.size();
    }

}
