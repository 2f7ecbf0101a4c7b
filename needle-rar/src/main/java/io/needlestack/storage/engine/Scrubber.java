package io.needlestack.storage.engine;

import io.needlestack.storage.store.NeedleRecord;
import io.needlestack.storage.store.ScrubStatus;
import io.needlestack.storage.store.StoreUnavailableException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs one scrub at a time on a thread of its own: a walk over the index in key order, reading
 * every needle it points at in full ({@link NeedleEngine#verifyStored}) at a bounded rate, so
 * that bit rot in data nobody reads is found while the other replicas still hold good copies.
 * What it finds goes to the engine's damage ledger. When the last complete run ended is kept in
 * {@code scrub.last} beside the index, so a schedule survives restarts.
 */
final class Scrubber {

    /** What verifying one version found. */
    enum Verdict {
        /** Read in full; every checksum matched. */
        VERIFIED,
        /** Replaced or dropped since the walk read it from the index. */
        GONE,
        /** Not judged now: already listed as damaged, or being moved by a compaction (which checks it itself). */
        SKIPPED,
        /** Listed as damaged. */
        DAMAGED
    }

    /** A verdict and the needle bytes read for it. */
    record Result(Verdict verdict, long bytes) {
    }

    private static final Logger LOG = Logger.getLogger(Scrubber.class.getName());
    private static final int PAGE = 500;
    private static final long STOP_WAIT_MILLIS = 60_000;

    private final NeedleEngine engine;
    private final Path lastDoneFile;

    // All guarded by this.
    private Thread thread;
    private boolean stopping;
    private String outcome = "none";
    private long startedAt;
    private long finishedAt;
    private long lastDone;
    private long rate;
    private long verified;
    private long bytes;
    private long found;
    private String message;

    Scrubber(NeedleEngine engine, Path lastDoneFile) {
        this.engine = engine;
        this.lastDoneFile = lastDoneFile;
        this.lastDone = readLastDone(lastDoneFile);
    }

    /** Starts a run unless one runs; either way returns the status. */
    synchronized ScrubStatus start(long bytesPerSecond) {
        if (bytesPerSecond < 1) {
            throw new IllegalArgumentException("the scrub rate must be at least 1 byte per second");
        }
        if (stopping) {
            throw new StoreUnavailableException("the needle store is closing");
        }
        if (thread != null) {
            return snapshot();
        }
        outcome = "none";
        startedAt = System.currentTimeMillis();
        finishedAt = 0;
        rate = bytesPerSecond;
        verified = bytes = found = 0;
        message = null;
        thread = new Thread(this::run, "needle-scrub");
        thread.setDaemon(true);
        thread.start();
        LOG.log(Level.INFO, "scrub started at most {0} bytes/s", bytesPerSecond);
        return snapshot();
    }

    synchronized ScrubStatus status() {
        return snapshot();
    }

    /** Stops a running scrub and waits (bounded) for its thread; no run starts afterwards. */
    void stop() {
        Thread t;
        synchronized (this) {
            stopping = true;
            t = thread;
            notifyAll();
        }
        if (t != null && t != Thread.currentThread()) {
            try {
                t.join(STOP_WAIT_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void run() {
        String result = "done";
        String why = null;
        long t0 = System.nanoTime();
        long read = 0;
        try {
            NeedleRecord after = null;
            walk:
            while (true) {
                List<NeedleRecord> page = engine.scan(after, PAGE);
                if (page.isEmpty()) {
                    break;
                }
                for (NeedleRecord r : page) {
                    if (!pace(t0, read)) {
                        result = "stopped";
                        why = "the needle store closed";
                        break walk;
                    }
                    Result v = engine.verifyStored(r);
                    read += v.bytes();
                    synchronized (this) {
                        bytes += v.bytes();
                        if (v.verdict() == Verdict.VERIFIED) {
                            verified++;
                        } else if (v.verdict() == Verdict.DAMAGED) {
                            found++;
                        }
                    }
                }
                after = page.get(page.size() - 1);
            }
        } catch (RuntimeException e) {
            boolean closing;
            synchronized (this) {
                closing = stopping;
            }
            result = closing ? "stopped" : "failed";
            why = String.valueOf(e.getMessage());
            if (!closing) {
                LOG.log(Level.WARNING, "scrub failed", e);
            }
        }
        finish(result, why);
    }

    /**
     * Waits until the bytes read so far fit the rate; false when the store is closing. Waits on
     * this object, so {@link #stop} ends the wait at once.
     */
    private synchronized boolean pace(long t0, long read) {
        while (!stopping) {
            long due = t0 + (long) (read * 1e9 / rate);
            long waitNanos = due - System.nanoTime();
            if (waitNanos <= 0) {
                return true;
            }
            try {
                TimeUnit.NANOSECONDS.timedWait(this, Math.min(waitNanos, TimeUnit.SECONDS.toNanos(1)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
    }

    private void finish(String result, String why) {
        long now = System.currentTimeMillis();
        synchronized (this) {
            outcome = result;
            message = why;
            finishedAt = now;
            thread = null;
            if ("done".equals(result)) {
                lastDone = now;
            }
            LOG.log("done".equals(result) ? Level.INFO : Level.WARNING,
                    "scrub {0}: {1} needles ({2} bytes) verified, {3} damaged found, {4} damaged waiting for repair{5}",
                    new Object[] {result, verified, bytes, found, engine.damagedCount(), why == null ? "" : ": " + why});
        }
        if ("done".equals(result)) {
            writeLastDone(now);
        }
    }

    private ScrubStatus snapshot() {
        return new ScrubStatus(thread != null ? "running" : "idle", outcome, startedAt, finishedAt, lastDone, rate,
                verified, bytes, found, engine.damagedCount(), engine.repairedCount(), message);
    }

    private static long readLastDone(Path file) {
        try {
            return Files.exists(file) ? Long.parseLong(Files.readString(file, StandardCharsets.US_ASCII).trim()) : 0;
        } catch (IOException | NumberFormatException e) {
            LOG.log(Level.WARNING, "cannot read " + file + "; the scrub counts as never done", e);
            return 0;
        }
    }

    private void writeLastDone(long millis) {
        Path tmp = lastDoneFile.resolveSibling(lastDoneFile.getFileName() + ".tmp");
        try {
            Files.writeString(tmp, Long.toString(millis), StandardCharsets.US_ASCII);
            Files.move(tmp, lastDoneFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            // Only the schedule depends on it: the next scheduled run comes early.
            LOG.log(Level.WARNING, "cannot record the scrub's end in " + lastDoneFile, e);
        }
    }
}
