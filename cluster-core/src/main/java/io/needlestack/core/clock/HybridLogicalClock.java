package io.needlestack.core.clock;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.function.LongSupplier;

/**
 * A hybrid logical clock (Kulkarni et al.): 48 bits of wall-clock milliseconds and 16 bits of
 * logical counter in one {@code long}, so timestamps compare as plain numbers, stay close to real
 * time, and never go backwards, not even across a restart or a wall clock set back.
 *
 * <p>Persistence uses a lease: before handing out a timestamp beyond the persisted ceiling, the
 * clock writes a new ceiling {@link #LEASE_MILLIS} ahead; after a restart it starts above the
 * last ceiling. That costs one small file write per lease period, not one per timestamp.
 */
public final class HybridLogicalClock {

    /** Bits of the logical counter. */
    public static final int LOGICAL_BITS = 16;
    /** How far ahead of the wall clock the persisted ceiling is pushed. */
    public static final long LEASE_MILLIS = 10_000;

    private static final long LOGICAL_MASK = (1L << LOGICAL_BITS) - 1;

    private final LongSupplier wallClock;
    private final Path ceilingFile;
    private long last;
    private long persistedCeiling;

    /**
     * @param wallClock   milliseconds since the epoch (System::currentTimeMillis in production)
     * @param ceilingFile where the lease is kept; null for a clock that is not persisted
     */
    public HybridLogicalClock(LongSupplier wallClock, Path ceilingFile) {
        this.wallClock = wallClock;
        this.ceilingFile = ceilingFile;
        long start = 0;
        if (ceilingFile != null && Files.exists(ceilingFile)) {
            try {
                start = Long.parseLong(Files.readString(ceilingFile, StandardCharsets.US_ASCII).trim());
            } catch (IOException | NumberFormatException e) {
                throw new IllegalStateException("cannot read clock ceiling " + ceilingFile, e);
            }
        }
        this.last = start;
        this.persistedCeiling = start;
    }

    /** A persisted clock on the system wall clock. */
    public static HybridLogicalClock persistent(Path ceilingFile) {
        return new HybridLogicalClock(System::currentTimeMillis, ceilingFile);
    }

    /** A new timestamp, strictly greater than every one handed out or observed before. */
    public synchronized long now() {
        long physical = wallClock.getAsLong() << LOGICAL_BITS;
        long next = Math.max(physical, last + 1);
        lease(next);
        last = next;
        return next;
    }

    /** Takes a timestamp seen from another node into account, so later ones order after it. */
    public synchronized void observe(long remote) {
        if (remote > last) {
            lease(remote);
            last = remote;
        }
    }

    /** Wall-clock milliseconds of a timestamp. */
    public static long millis(long hlc) {
        return hlc >>> LOGICAL_BITS;
    }

    /** Logical counter of a timestamp. */
    public static long logical(long hlc) {
        return hlc & LOGICAL_MASK;
    }

    private void lease(long next) {
        if (ceilingFile == null || next < persistedCeiling) {
            return;
        }
        long ceiling = next + (LEASE_MILLIS << LOGICAL_BITS);
        try {
            Files.createDirectories(ceilingFile.toAbsolutePath().getParent());
            Path tmp = ceilingFile.resolveSibling(ceilingFile.getFileName() + ".tmp");
            try (var ch = java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.CREATE,
                    java.nio.file.StandardOpenOption.WRITE, java.nio.file.StandardOpenOption.TRUNCATE_EXISTING)) {
                ch.write(java.nio.ByteBuffer.wrap(Long.toString(ceiling).getBytes(StandardCharsets.US_ASCII)));
                ch.force(true);
            }
            try {
                Files.move(tmp, ceilingFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, ceilingFile, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            // A clock that cannot persist its lease could go backwards after a restart: refuse.
            throw new UncheckedIOException("cannot persist clock ceiling " + ceilingFile, e);
        }
        persistedCeiling = ceiling;
    }
}
