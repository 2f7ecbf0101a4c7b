package io.needlestack.gateway.object;

import io.needlestack.core.config.NodeConfig;
import io.needlestack.storage.store.NeedleConnection;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Copy buffers for streaming object bodies to a response, reused from one GET to the next.
 *
 * <p>A GET copies its body through one buffer of up to a store read block (256 KiB): the store
 * reads each block straight into it and each socket write sends one block. Made afresh for every
 * GET, those buffers were most of what the node allocated under large GETs (45 % of the bytes
 * under 1 MiB GETs): at 3,000 GETs/s, 750 MB/s, and young collections took 2.7 % of the time;
 * with the pool, 0.5 %. So bodies of {@value #POOLED_FROM}
 * bytes or more borrow a block-sized buffer from a fixed set of {@value #SLOTS} (8 MiB of heap at
 * most, which the old generation keeps); smaller bodies get a buffer of their own size, which
 * costs a young collection next to nothing. A buffer is given back only after the last write
 * that used it returned: {@code OutputStream.write} leaves the array to its caller when it
 * returns (the servlet container copies what it still has to send).
 *
 * <p>Lock-free and allocation-free: a borrower takes a slot's buffer with an atomic swap, and
 * one given back goes into an empty slot, or to the garbage collector when all are full.
 *
 * <p>Bodies from {@value #POOLED_FROM} bytes on copy under a {@link CopyGate}, which lets
 * {@code needlestack.gateway.copy.concurrency} copies run at once (default: the processors plus
 * one; 0 switches the gate off), each holding its permit at most
 * {@code needlestack.gateway.copy.lease.ms} (default 10) before a waiting copy may take it over.
 * A copy holds its permit for {@value #QUANTUM_BLOCKS} blocks (1 MiB) at a time, so an 8 MiB body
 * lets smaller ones in between. Smaller bodies are one short write, where waiting for a permit
 * would cost more than the write. Bodies over {@value #GATED_UP_TO} bytes copy without the gate:
 * their copy is long anyway, so one stretch gains them little, and 64 MiB GETs lost 9 % of
 * their rate with it (3,695 -> 3,356 MB/s, one pair of runs).
 */
public final class BodyBuffers {

    /** The size of a pooled buffer: one store read block. */
    public static final int BLOCK = NeedleConnection.READ_BLOCK_BYTES;
    /** Bodies from this size on borrow a pooled buffer. */
    static final int POOLED_FROM = 32 * 1024;
    static final int SLOTS = 32;

    private static final AtomicReferenceArray<byte[]> FREE = new AtomicReferenceArray<>(SLOTS);
    /** Blocks a copy writes under one permit of the gate before it lets others have their turn. */
    static final int QUANTUM_BLOCKS = 4;
    /** Bodies larger than this copy without the gate. */
    static final long GATED_UP_TO = 8L << 20;
    /** {@link CopyGate#OPEN} when switched off. */
    private static final CopyGate GATE = gate(NodeConfig.current());

    private BodyBuffers() {
    }

    /**
     * Copies a body of {@code length} bytes from {@code in} to {@code out} through one buffer, or
     * in one write when {@code in} holds it in memory already (a cache hit).
     */
    public static void copy(InputStream in, OutputStream out, long length) throws IOException {
        CopyGate gate = length >= POOLED_FROM && length <= GATED_UP_TO ? GATE : CopyGate.OPEN;
        if (in instanceof ByteArrayInputStream held) {
            gate.run(() -> held.transferTo(out));
            return;
        }
        byte[] buf = borrow(length);
        try {
            // The first block is read before the gate: a cold object's seek waits on the disk, and
            // the disk serves more reads at once than the gate lets copies run. The later blocks
            // follow it on disk, where the kernel reads ahead.
            int n = in.read(buf);
            while (n > 0) {
                CopyGate.Lease lease = gate.enter();
                try {
                    int blocks = 0;
                    do {
                        out.write(buf, 0, n);
                        n = in.read(buf);
                    } while (n > 0 && ++blocks < QUANTUM_BLOCKS);
                } finally {
                    gate.exit(lease);
                }
            }
        } finally {
            release(buf);
        }
    }

    /**
     * A body of at most one block, read whole into a buffer from {@link #borrow} before the
     * answer's status line goes out. Write it once with {@link #writeTo}, which gives the buffer back.
     */
    public static final class Prefetched {
        private final byte[] buffer;
        private final int length;

        private Prefetched(byte[] buffer, int length) {
            this.buffer = buffer;
            this.length = length;
        }

        /** Writes the body (one write, under the copy gate as {@link #copy} would) and gives the buffer back. */
        public void writeTo(OutputStream out) throws IOException {
            CopyGate gate = length >= POOLED_FROM ? GATE : CopyGate.OPEN;
            try {
                CopyGate.Lease lease = gate.enter();
                try {
                    out.write(buffer, 0, length);
                } finally {
                    gate.exit(lease);
                }
            } finally {
                release(buffer);
            }
        }
    }

    /**
     * Reads a body of {@code length} bytes (at most {@link #BLOCK}) whole and closes {@code in}.
     * Read before the status is sent, a failure (a replica's bytes failing their checksum, a
     * replica that stops mid-way) can still be answered by another replica; the same buffer and
     * the same one read as {@link #copy} would make.
     *
     * @throws java.io.EOFException when {@code in} ends early
     * @throws IOException          when reading fails
     */
    public static Prefetched prefetch(InputStream in, int length) throws IOException {
        if (length > BLOCK) {
            throw new IllegalArgumentException(length + " bytes is more than one block");
        }
        byte[] buf = borrow(length);
        boolean handedOut = false;
        try (InputStream body = in) {
            int n = body.readNBytes(buf, 0, length);
            if (n != length) {
                throw new java.io.EOFException("the body ended after " + n + " of " + length + " bytes");
            }
            handedOut = true;
            return new Prefetched(buf, length);
        } finally {
            if (!handedOut) {
                release(buf);
            }
        }
    }

    /** Leases of the copy gate taken over from copies that held them too long, since start. */
    public static long copyGateTakeovers() {
        return GATE.takeovers();
    }

    /** Copies that ran without a permit of the copy gate after waiting a lease, since start. */
    public static long copyGateUngated() {
        return GATE.ungated();
    }

    /** The copy gate of the settings, {@link CopyGate#OPEN} when they switch it off. */
    static CopyGate gate(NodeConfig config) {
        int permits = config.getInt("needlestack.gateway.copy.concurrency",
                Runtime.getRuntime().availableProcessors() + 1);
        long leaseMillis = config.getLong("needlestack.gateway.copy.lease.ms", 10);
        return permits <= 0 ? CopyGate.OPEN : new CopyGate(permits, TimeUnit.MILLISECONDS.toNanos(leaseMillis), System::nanoTime);
    }

    /**
     * A buffer for copying a body of {@code length} bytes: a pooled block when the body is large
     * enough, else one of the body's own size (at least one byte). Give it back with {@link #release}.
     */
    static byte[] borrow(long length) {
        if (length < POOLED_FROM) {
            return new byte[(int) Math.max(1, length)];
        }
        int start = ThreadLocalRandom.current().nextInt(SLOTS);
        for (int i = 0; i < SLOTS; i++) {
            int slot = (start + i) % SLOTS;
            byte[] b;
            if (FREE.get(slot) != null && (b = FREE.getAndSet(slot, null)) != null) {
                return b;
            }
        }
        return new byte[BLOCK];
    }

    /** Gives back a buffer from {@link #borrow}; only block-sized ones are kept. */
    static void release(byte[] buffer) {
        if (buffer == null || buffer.length != BLOCK) {
            return;
        }
        int start = ThreadLocalRandom.current().nextInt(SLOTS);
        for (int i = 0; i < SLOTS; i++) {
            if (FREE.compareAndSet((start + i) % SLOTS, null, buffer)) {
                return;
            }
        }
    }
}
