package io.needlestack.gateway.object;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.util.ArrayList;
import java.util.Random;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Which bodies borrow a pooled buffer, and that the pool hands a buffer to one borrower at a time. */
class BodyBuffersTest {

    @Test
    void copyDeliversEveryByteOfSmallAndLargeBodies() throws Exception {
        // Up to several turns of the gate (QUANTUM_BLOCKS blocks each) and past the gated sizes.
        int[] sizes = {0, 1, 4096, BodyBuffers.POOLED_FROM, BodyBuffers.BLOCK + 1, 3 * BodyBuffers.BLOCK + 7,
            9 * BodyBuffers.BLOCK + 7, (int) BodyBuffers.GATED_UP_TO + 1};
        for (int size : sizes) {
            byte[] body = new byte[size];
            new Random(size).nextBytes(body);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            // A stream from the store: read block by block through the buffer.
            BodyBuffers.copy(new FilterInputStream(new ByteArrayInputStream(body)) { }, out, size);
            assertArrayEquals(body, out.toByteArray(), size + " bytes through the buffer");
            // A cache hit: the bytes are in memory and go out in one write.
            out.reset();
            BodyBuffers.copy(new ByteArrayInputStream(body), out, size);
            assertArrayEquals(body, out.toByteArray(), size + " bytes held in memory");
        }
    }

    @Test
    void smallBodiesGetABufferOfTheirOwnSizeThatIsNotKept() {
        assertEquals(1, BodyBuffers.borrow(0).length);
        assertEquals(4096, BodyBuffers.borrow(4096).length);
        byte[] small = BodyBuffers.borrow(BodyBuffers.POOLED_FROM - 1);
        assertEquals(BodyBuffers.POOLED_FROM - 1, small.length);
        BodyBuffers.release(small);
        for (int i = 0; i < BodyBuffers.SLOTS + 1; i++) {
            assertNotSame(small, BodyBuffers.borrow(1L << 20), "a small buffer never enters the pool");
        }
    }

    @Test
    void largeBodiesBorrowABlockAndAReleasedBlockIsLentAgain() {
        byte[] b = BodyBuffers.borrow(64 * 1024);
        assertEquals(BodyBuffers.BLOCK, b.length);
        assertEquals(BodyBuffers.BLOCK, BodyBuffers.borrow(64L << 20).length, "a 64 MiB body copies block by block");
        // Drain the pool, give one back: the next borrower gets exactly that one.
        List<byte[]> drained = new ArrayList<>();
        for (int i = 0; i < BodyBuffers.SLOTS; i++) {
            drained.add(BodyBuffers.borrow(1L << 20));
        }
        BodyBuffers.release(b);
        assertSame(b, BodyBuffers.borrow(1L << 20));
    }

    @Test
    void concurrentBorrowersNeverShareABufferAndThePoolStaysBounded() throws Exception {
        Set<byte[]> inUse = Collections.synchronizedSet(Collections.newSetFromMap(new IdentityHashMap<>()));
        Set<byte[]> seen = Collections.synchronizedSet(Collections.newSetFromMap(new IdentityHashMap<>()));
        List<Thread> threads = new ArrayList<>();
        List<String> failures = Collections.synchronizedList(new ArrayList<>());
        for (int t = 0; t < 8; t++) {
            Thread th = new Thread(() -> {
                for (int i = 0; i < 20_000; i++) {
                    byte[] b = BodyBuffers.borrow(1L << 20);
                    seen.add(b);
                    if (!inUse.add(b)) {
                        failures.add("a buffer lent to two borrowers at once");
                    }
                    inUse.remove(b);
                    BodyBuffers.release(b);
                }
            });
            threads.add(th);
            th.start();
        }
        for (Thread th : threads) {
            th.join(60_000);
        }
        assertTrue(failures.isEmpty(), failures.size() + " times: " + (failures.isEmpty() ? "" : failures.get(0)));
        // 8 borrowers at a time reuse what the pool keeps: far fewer distinct buffers than borrows.
        assertTrue(seen.size() < 1_000, seen.size() + " distinct buffers for 160,000 borrows");
    }
}
