package io.needlestack.gateway.object;

import io.needlestack.storage.store.NeedleConnection;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.ThreadLocalRandom;
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
 */
public final class BodyBuffers {

    /** The size of a pooled buffer: one store read block. */
    public static final int BLOCK = NeedleConnection.READ_BLOCK_BYTES;
    /** Bodies from this size on borrow a pooled buffer. */
    static final int POOLED_FROM = 32 * 1024;
    static final int SLOTS = 32;

    private static final AtomicReferenceArray<byte[]> FREE = new AtomicReferenceArray<>(SLOTS);

    private BodyBuffers() {
    }

    /** Copies a body of {@code length} bytes from {@code in} to {@code out} through one buffer. */
    public static void copy(InputStream in, OutputStream out, long length) throws IOException {
        byte[] buf = borrow(length);
        try {
            int n;
            while ((n = in.read(buf)) > 0) {
                out.write(buf, 0, n);
            }
        } finally {
            release(buf);
        }
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
