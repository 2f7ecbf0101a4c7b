package io.needlestack.storage.engine;

import io.needlestack.storage.store.DamagedNeedle;
import io.needlestack.storage.store.NeedleKey;
import io.needlestack.storage.store.NeedleKind;
import io.needlestack.storage.store.NeedleRecord;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.zip.CRC32C;

/**
 * The versions this node found damaged and has not repaired, by key, HLC and version id (not by
 * location: a compaction that could not copy a damaged needle leaves its index entry naming
 * bytes of the new file). Bounded; kept in memory and in a journal ({@code damage.list} beside
 * the index), so a restart neither serves a known damaged version nor forgets one that waits for
 * a repair (otherwise only the next read or scrub, up to a week later, would find it again).
 *
 * <p>The journal is a sequence of records, each {@code op, fields..., CRC32C of op and fields}:
 *
 * <pre>
 * 'A' kind bucket name hlc versionId replacesOlder foundBy foundAtMillis detail   a version listed
 * 'R' kind bucket name hlc versionId                                              a version forgotten
 * </pre>
 *
 * Strings are an int byte count and UTF-8. Appends are not forced: a lost tail only forgets a
 * finding that the damage on disk will give again. A torn or corrupt record ends the reading.
 * {@link #load} rewrites the journal with what is still listed (temporary file and rename), and
 * so does an append once the journal holds far more records than the ledger.
 */
final class DamageLedger {

    private static final Logger LOG = Logger.getLogger(DamageLedger.class.getName());
    private static final byte ADD = 'A';
    private static final byte REMOVE = 'R';
    private static final int MAX_DETAIL_CHARS = 1000;
    private static final int MAX_STRING_BYTES = 1 << 16;

    /** What a version is listed under. */
    record Ref(NeedleKey key, long hlc, String versionId) {
        static Ref of(NeedleRecord r) {
            return new Ref(r.key(), r.hlc(), r.versionId());
        }
    }

    /** A listing read back from the journal: the finding without the record, which the index gives. */
    record Found(Ref ref, boolean replacesOlder, String foundBy, long foundAtMillis, String detail) {
    }

    private final int limit;
    private final Path journal;
    private final ConcurrentHashMap<Ref, DamagedNeedle> entries = new ConcurrentHashMap<>();
    // Guards the journal's stream and its record count.
    private final Object journalLock = new Object();
    private OutputStream out;
    private long records;
    private boolean journalFailed;

    /**
     * @param limit   entries kept at most; further damage is still logged and refused on read
     * @param journal the file the ledger is kept in, or null for a ledger in memory only
     */
    DamageLedger(int limit, Path journal) {
        this.limit = limit;
        this.journal = journal;
    }

    /**
     * Reads the journal back and lists again every version that {@code current} still finds
     * stored (with its record as the index has it now); then rewrites the journal with those.
     *
     * @param current the version as stored now, or empty when it was replaced or dropped
     * @return the versions listed again
     */
    int load(Function<Found, Optional<DamagedNeedle>> current) {
        if (journal == null) {
            return 0;
        }
        Map<Ref, Found> found = read(journal);
        for (Found f : found.values()) {
            if (entries.size() >= limit) {
                break;
            }
            current.apply(f).ifPresent(d -> entries.putIfAbsent(Ref.of(d.record()), d));
        }
        synchronized (journalLock) {
            rewriteLocked();
        }
        return entries.size();
    }

    /** Lists a damaged version; false when it was listed already or the ledger is full. */
    boolean add(DamagedNeedle d) {
        // Under the journal's lock, so the journal's order is the ledger's (damage is rare).
        synchronized (journalLock) {
            if (entries.size() >= limit || entries.putIfAbsent(Ref.of(d.record()), d) != null) {
                return false;
            }
            appendLocked(d, ADD);
            return true;
        }
    }

    /** The entry of that version, or null. Cheap when nothing is listed (every read asks). */
    DamagedNeedle get(NeedleRecord r) {
        if (entries.isEmpty()) {
            return null;
        }
        return entries.get(Ref.of(r));
    }

    /** Forgets a version (repaired, replaced or dropped). */
    boolean remove(NeedleRecord r) {
        if (entries.isEmpty()) {
            return false;
        }
        synchronized (journalLock) {
            DamagedNeedle was = entries.remove(Ref.of(r));
            if (was == null) {
                return false;
            }
            appendLocked(was, REMOVE);
            return true;
        }
    }

    int size() {
        return entries.size();
    }

    /** Every listed version, oldest finding first. */
    List<DamagedNeedle> list() {
        List<DamagedNeedle> out = new ArrayList<>(entries.values());
        out.sort(Comparator.comparingLong(DamagedNeedle::foundAtMillis));
        return out;
    }

    /** Closes the journal; later changes stay in memory. */
    void close() {
        synchronized (journalLock) {
            closeStreamLocked();
            journalFailed = true;
        }
    }

    private void appendLocked(DamagedNeedle d, byte op) {
        if (journal == null || journalFailed) {
            return;
        }
        // Far more records than listings (many repairs): start the file over with what is listed,
        // which already holds this change.
        if (records > 10_000 && records > 4L * entries.size()) {
            rewriteLocked();
            return;
        }
        try {
            if (out == null) {
                out = new BufferedOutputStream(Files.newOutputStream(journal, StandardOpenOption.CREATE,
                        StandardOpenOption.APPEND, StandardOpenOption.WRITE));
            }
            out.write(encode(d, op));
            out.flush();
            records++;
        } catch (IOException e) {
            failedLocked(e);
        }
    }

    // Writes what is listed now to a new journal and puts it in place of the old one.
    private void rewriteLocked() {
        if (journal == null || journalFailed) {
            return;
        }
        closeStreamLocked();
        Path tmp = journal.resolveSibling(journal.getFileName() + ".tmp");
        try {
            List<DamagedNeedle> now = new ArrayList<>(entries.values());
            if (now.isEmpty()) {
                // Nothing listed: no file, until something is.
                Files.deleteIfExists(journal);
                records = 0;
                return;
            }
            try (OutputStream o = new BufferedOutputStream(Files.newOutputStream(tmp))) {
                for (DamagedNeedle d : now) {
                    o.write(encode(d, ADD));
                }
            }
            Files.move(tmp, journal, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            records = now.size();
        } catch (IOException e) {
            failedLocked(e);
        }
    }

    private void failedLocked(IOException e) {
        journalFailed = true;
        closeStreamLocked();
        LOG.log(Level.WARNING, "cannot write the damage list " + journal + "; it is kept in memory until the"
                + " node restarts, after which reads and scrubs find the damage again", e);
    }

    private void closeStreamLocked() {
        if (out != null) {
            try {
                out.close();
            } catch (IOException ignored) {
                // appends are flushed one by one; nothing is left to lose
            }
            out = null;
        }
    }

    static byte[] encode(DamagedNeedle d, byte op) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
            DataOutputStream o = new DataOutputStream(bytes);
            NeedleRecord r = d.record();
            o.writeByte(op);
            string(o, r.key().kind().name());
            string(o, r.key().bucket());
            string(o, r.key().name());
            o.writeLong(r.hlc());
            string(o, r.versionId());
            if (op == ADD) {
                o.writeBoolean(d.replacesOlder());
                string(o, d.foundBy());
                o.writeLong(d.foundAtMillis());
                String detail = d.detail() == null ? "" : d.detail();
                string(o, detail.length() > MAX_DETAIL_CHARS ? detail.substring(0, MAX_DETAIL_CHARS) : detail);
            }
            CRC32C crc = new CRC32C();
            crc.update(bytes.toByteArray());
            o.writeInt((int) crc.getValue());
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The journal's listings, in order, up to its end or its first torn or corrupt record. */
    static Map<Ref, Found> read(Path journal) {
        Map<Ref, Found> found = new LinkedHashMap<>();
        try (InputStream raw = Files.newInputStream(journal)) {
            CheckedInput in = new CheckedInput(new BufferedInputStream(raw));
            DataInputStream data = new DataInputStream(in);
            while (true) {
                in.crc.reset();
                int op = in.read();
                if (op < 0) {
                    break;
                }
                if (op != ADD && op != REMOVE) {
                    throw new IOException("unknown record type " + op);
                }
                NeedleKey key = new NeedleKey(NeedleKind.valueOf(string(data)), string(data), string(data));
                Ref ref = new Ref(key, data.readLong(), string(data));
                Found f = op == ADD
                        ? new Found(ref, data.readBoolean(), string(data), data.readLong(), string(data))
                        : null;
                int expected = (int) in.crc.getValue();
                if (data.readInt() != expected) {
                    throw new IOException("record checksum mismatch");
                }
                if (f != null) {
                    found.put(ref, f);
                } else {
                    found.remove(ref);
                }
            }
        } catch (NoSuchFileException none) {
            return found;
        } catch (EOFException | IllegalArgumentException torn) {
            LOG.log(Level.WARNING, "damage list {0} ends in a torn record; read up to it", journal);
        } catch (IOException e) {
            LOG.log(Level.WARNING, "damage list " + journal + " unreadable past " + found.size()
                    + " listings; read up to there", e);
        }
        return found;
    }

    private static void string(DataOutputStream o, String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        o.writeInt(b.length);
        o.write(b);
    }

    private static String string(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > MAX_STRING_BYTES) {
            throw new IOException("string of " + n + " bytes");
        }
        byte[] b = in.readNBytes(n);
        if (b.length < n) {
            throw new EOFException();
        }
        return new String(b, StandardCharsets.UTF_8);
    }

    // Feeds every byte read into a CRC32C, so a record's checksum covers exactly what was read.
    private static final class CheckedInput extends java.io.FilterInputStream {
        final CRC32C crc = new CRC32C();

        CheckedInput(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                crc.update(b);
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                crc.update(b, off, n);
            }
            return n;
        }
    }
}
