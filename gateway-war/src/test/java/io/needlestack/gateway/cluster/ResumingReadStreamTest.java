package io.needlestack.gateway.cluster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.needlestack.storage.store.CorruptNeedleException;
import io.needlestack.storage.store.StoreUnavailableException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A read that a replica fails part-way goes on from the next one only when what was delivered is
 * the version's: replicas that die or whose last block fails its checksum are survived; damage in
 * bytes already delivered cuts the answer short instead of completing it with other bytes.
 */
class ResumingReadStreamTest {

    private static final int LENGTH = 700_000;
    private static final byte[] DATA = new byte[LENGTH];

    static {
        new Random(42).nextBytes(DATA);
    }

    /** How one holder serves a read. */
    private interface Copy {
        InputStream open(long from, long length) throws IOException;
    }

    /** Holders over copies; records every open as "holder@from+length". */
    private static final class FakeHolders implements ResumingReadStream.Holders {
        final List<Copy> copies;
        final List<String> opened = new ArrayList<>();

        FakeHolders(Copy... copies) {
            this.copies = List.of(copies);
        }

        @Override
        public int count() {
            return copies.size();
        }

        @Override
        public InputStream open(int holder, long from, long length) {
            opened.add(holder + "@" + from + "+" + length);
            try {
                return copies.get(holder).open(from, length);
            } catch (IOException e) {
                throw new StoreUnavailableException("holder " + holder + ": " + e.getMessage());
            }
        }

        @Override
        public String name(int holder) {
            return "holder " + holder;
        }
    }

    private static Copy good() {
        return (from, length) -> new ByteArrayInputStream(DATA, (int) from, (int) length);
    }

    /** A node that dies after {@code after} bytes of the read (its connection breaks). */
    private static Copy diesAfter(long after) {
        return (from, length) -> new ByteArrayInputStream(DATA, (int) from, (int) length) {
            private long given;

            @Override
            public synchronized int read(byte[] b, int off, int len) {
                if (given >= after) {
                    throw new java.io.UncheckedIOException(new IOException("connection reset"));
                }
                int n = super.read(b, off, (int) Math.min(len, after - given));
                given += Math.max(0, n);
                return n;
            }
        };
    }

    /**
     * A copy with one byte flipped at {@code at}, read as the store reads it: the last block is
     * withheld and the checksum failure thrown instead.
     */
    private static Copy damagedAt(int at) {
        byte[] copy = DATA.clone();
        copy[at] ^= 0x10;
        int block = 256 * 1024;
        int lastBlockStart = ((LENGTH - 1) / block) * block;
        return (from, length) -> {
            if (from != 0 || length != LENGTH) {
                return new ByteArrayInputStream(copy, (int) from, (int) length);
            }
            return new ByteArrayInputStream(copy) {
                @Override
                public synchronized int read(byte[] b, int off, int len) {
                    if (pos >= lastBlockStart) {
                        throw new CorruptNeedleException("data checksum mismatch");
                    }
                    return super.read(b, off, Math.min(len, lastBlockStart - pos));
                }
            };
        };
    }

    private static ResumingReadStream whole(FakeHolders h) throws IOException {
        return new ResumingReadStream(h, 0, h.copies.get(0).open(0, LENGTH), "v1 of b/k", 0, LENGTH, true);
    }

    /** Reads everything, 64 KiB at a time, as the GET's copy loop does. */
    private static byte[] drain(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[64 * 1024];
        for (int n; (n = in.read(buf)) >= 0; ) {
            out.write(buf, 0, n);
        }
        return out.toByteArray();
    }

    @Test
    void aReplicaThatDiesPartWayIsFollowedByTheNextAndTheAnswerIsWhole() throws IOException {
        FakeHolders h = new FakeHolders(diesAfter(300_000), good(), good());
        try (ResumingReadStream in = whole(h)) {
            assertArrayEquals(DATA, drain(in));
        }
        // The next copy is read from its start, so its own checksum covers the bytes already sent.
        assertEquals(List.of("1@0+" + LENGTH), h.opened);
    }

    @Test
    void aReplicaThatStallsUntilTheReadTimesOutIsFollowedByTheNext() throws IOException {
        // What a coordinator sees when the serving node's checksum fails and its container leaves
        // the connection open: no more bytes until the socket's read timeout.
        Copy stalls = (from, length) -> new ByteArrayInputStream(DATA, (int) from, (int) length) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                if (pos >= 524_288) {
                    throw new java.io.UncheckedIOException(new java.net.SocketTimeoutException("Read timed out"));
                }
                return super.read(b, off, Math.min(len, 524_288 - pos));
            }
        };
        Copy stallsChecked = (from, length) -> {
            InputStream in = stalls.open(from, length);
            return new java.io.FilterInputStream(in) {
                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    try {
                        return in.read(b, off, len);
                    } catch (java.io.UncheckedIOException e) {
                        throw e.getCause();
                    }
                }
            };
        };
        FakeHolders h = new FakeHolders(stallsChecked, good());
        try (ResumingReadStream in = whole(h)) {
            assertArrayEquals(DATA, drain(in));
        }
    }

    @Test
    void anInterruptedReaderIsNotResumed() throws IOException {
        FakeHolders h = new FakeHolders(diesAfter(10_000), good());
        try (ResumingReadStream in = whole(h)) {
            Thread.currentThread().interrupt();
            try {
                assertThrows(java.io.UncheckedIOException.class, () -> drain(in));
            } finally {
                Thread.interrupted();
            }
        }
        assertEquals(List.of(), h.opened);
    }

    @Test
    void damageInTheWithheldLastBlockIsSurvived() throws IOException {
        FakeHolders h = new FakeHolders(damagedAt(LENGTH - 10), good());
        try (ResumingReadStream in = whole(h)) {
            assertArrayEquals(DATA, drain(in));
        }
    }

    @Test
    void damageInBytesAlreadyDeliveredCutsTheAnswerShortAndNeverCompletesIt() throws IOException {
        FakeHolders h = new FakeHolders(damagedAt(1_000), good(), good());
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        CorruptNeedleException cut;
        try (ResumingReadStream in = whole(h)) {
            cut = assertThrows(CorruptNeedleException.class, () -> {
                byte[] buf = new byte[64 * 1024];
                for (int n; (n = in.read(buf)) >= 0; ) {
                    got.write(buf, 0, n);
                }
            });
        }
        assertTrue(got.size() < LENGTH, "a damaged answer must end short, got " + got.size());
        assertTrue(Arrays.stream(cut.getSuppressed()).anyMatch(s -> s.getMessage().contains("other bytes")),
                Arrays.toString(cut.getSuppressed()));
        assertEquals(List.of("1@0+" + LENGTH), h.opened, "one good copy tells; it is not asked twice");
    }

    @Test
    void aRangeReadGoesOnFromWhereTheFailedReplicaStopped() throws IOException {
        long from = 123_456;
        long length = 400_000;
        FakeHolders h = new FakeHolders(diesAfter(50_000), diesAfter(100_000), good());
        try (ResumingReadStream in = new ResumingReadStream(h, 0, h.copies.get(0).open(from, length), "v1 of b/k",
                from, length, false)) {
            assertArrayEquals(Arrays.copyOfRange(DATA, (int) from, (int) (from + length)), drain(in));
        }
        assertEquals(List.of("1@" + (from + 50_000) + "+" + (length - 50_000),
                "2@" + (from + 150_000) + "+" + (length - 150_000)), h.opened);
    }

    @Test
    void whenNoReplicaCanGoOnTheFirstFailureIsThrownWithTheOthersAttached() throws IOException {
        FakeHolders h = new FakeHolders(diesAfter(10_000), (from, length) -> {
            throw new IOException("node down");
        }, diesAfter(5_000));
        try (ResumingReadStream in = whole(h)) {
            java.io.UncheckedIOException failure = assertThrows(java.io.UncheckedIOException.class, () -> drain(in));
            assertEquals("connection reset", failure.getCause().getMessage());
            assertEquals(2, failure.getSuppressed().length, Arrays.toString(failure.getSuppressed()));
        }
    }

    @Test
    void aCopyThatEndsEarlyWithoutAnErrorIsNotAnAnswer() throws IOException {
        Copy shortCopy = (from, length) -> new ByteArrayInputStream(DATA, (int) from, (int) length - 1);
        FakeHolders h = new FakeHolders(shortCopy, good());
        try (ResumingReadStream in = whole(h)) {
            assertArrayEquals(DATA, drain(in));
        }
    }
}
