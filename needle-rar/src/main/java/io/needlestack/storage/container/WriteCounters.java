package io.needlestack.storage.container;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/** Counters shared by all containers of one engine: what {@code StoreStats} reports. */
public final class WriteCounters {
    private final LongAdder puts = new LongAdder();
    private final LongAdder fsyncs = new LongAdder();
    private final LongAdder bytes = new LongAdder();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger arriving = new AtomicInteger();

    /** Needles appended. */
    public long puts() {
        return puts.sum();
    }

    /** fsync calls made for PUTs. */
    public long fsyncs() {
        return fsyncs.sum();
    }

    /** Bytes appended. */
    public long bytesWritten() {
        return bytes.sum();
    }

    /** Marks a PUT as started; pair with {@link #putEnded()}. */
    public void putStarted() {
        inFlight.incrementAndGet();
    }

    /** Marks a PUT as finished. */
    public void putEnded() {
        inFlight.decrementAndGet();
    }

    int inFlight() {
        return inFlight.get();
    }

    /** Marks a PUT as on its way to an append (spooling, waiting for the append lock). */
    public void arriving() {
        arriving.incrementAndGet();
    }

    /** Marks a PUT as appended, or failed before appending. */
    public void arrived() {
        arriving.decrementAndGet();
    }

    /** PUTs that will append soon: an fsync started now would miss them. */
    int arrivingCount() {
        return arriving.get();
    }

    void appended(long length) {
        puts.increment();
        bytes.add(length);
    }

    void fsynced() {
        fsyncs.increment();
    }
}
