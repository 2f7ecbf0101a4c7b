package io.needlestack.gateway.cluster.rebalance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.needlestack.core.ring.Ring;
import io.needlestack.core.ring.RingNode;
import io.needlestack.storage.store.NeedleKey;
import io.needlestack.storage.store.NeedleKind;
import io.needlestack.storage.store.NeedleRecord;
import io.needlestack.storage.store.NeedleWrite;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Passes of the mover over in-memory node stores: after them every needle is exactly on the
 * owners the new ring names, with the same version, and nothing else moved.
 */
class MovePassTest {

    private static final int KEYS = 300;
    /** Concurrent: a pass's parallel workers reach a node (and create a new one) through {@link #store}. */
    private final Map<String, MemoryNode> nodes = new ConcurrentHashMap<>();

    private static RingNode node(String id) {
        return RingNode.of(id, "http://" + id);
    }

    private static Ring ring(long version, String... ids) {
        return new Ring(version, 3, 16, java.util.Arrays.stream(ids).map(MovePassTest::node).toList());
    }

    private MemoryNode store(String id) {
        return nodes.computeIfAbsent(id, x -> new MemoryNode());
    }

    private static NeedleKey key(int i) {
        // Objects and chunks: chunks are placed by their own name.
        return i % 5 == 0 ? new NeedleKey(NeedleKind.CHUNK, "b", "big\nv1\n" + i) : NeedleKey.object("b", "k" + i);
    }

    /** Writes a needle on its owners in {@code ring}, as a replicated write would. */
    private void write(Ring ring, NeedleKey key, long hlc, boolean tombstone) {
        byte[] bytes = tombstone ? new byte[0] : (key.name() + "@" + hlc).getBytes(StandardCharsets.UTF_8);
        for (RingNode n : ring.replicas(Transition.position(key))) {
            store(n.id()).put(new NeedleWrite(key, hlc, "v" + hlc, tombstone, Map.of("content-type", "x/y")),
                    new ByteArrayInputStream(bytes), bytes.length, false);
        }
    }

    /** Runs passes on every node until one round moves nothing; returns the number of rounds. */
    private int rebalance(Transition t) throws InterruptedException {
        return rebalance(t, null);
    }

    private int rebalance(Transition t, ExecutorService workers) throws InterruptedException {
        Throttle unlimited = Throttle.of(0, 0);
        for (int round = 1; round <= 10; round++) {
            long moved = 0;
            for (RingNode n : t.union().members()) {
                MovePass.Counts c = new MovePass.Counts();
                MovePass pass = new MovePass(n.id(), t, store(n.id()), x -> store(x.id()), unlimited, 7, workers);
                assertTrue(pass.run(c, () -> true, () -> { }));
                moved += c.moved();
            }
            if (moved == 0) {
                return round;
            }
        }
        throw new AssertionError("the rebalance never settled");
    }

    private void assertPlacedExactly(Ring ring, Map<NeedleKey, Long> expected) {
        for (Map.Entry<NeedleKey, Long> e : expected.entrySet()) {
            Set<String> owners = ring.replicas(Transition.position(e.getKey())).stream().map(RingNode::id)
                    .collect(Collectors.toSet());
            for (Map.Entry<String, MemoryNode> n : nodes.entrySet()) {
                NeedleRecord r = n.getValue().records.get(e.getKey());
                if (owners.contains(n.getKey())) {
                    assertTrue(r != null && r.hlc() == e.getValue(), e.getKey().name() + " missing on owner " + n.getKey());
                    assertEquals("x/y", r.metadata().get("content-type"));
                    if (!r.tombstone()) {
                        assertArrayEquals((e.getKey().name() + "@" + e.getValue()).getBytes(StandardCharsets.UTF_8),
                                n.getValue().data.get(e.getKey()));
                    }
                } else {
                    assertFalse(r != null, e.getKey().name() + " left on " + n.getKey() + ", not an owner");
                }
            }
        }
    }

    @Test
    void attachThenDetachLeavesEveryNeedleExactlyOnItsNewOwners() throws InterruptedException {
        Ring v1 = ring(1, "a", "b", "c");
        Ring v2 = ring(2, "a", "b", "c", "d");
        Map<NeedleKey, Long> expected = new LinkedHashMap<>();
        for (int i = 0; i < KEYS; i++) {
            boolean tombstone = i % 17 == 0;
            write(v1, key(i), 100 + i, tombstone);
            expected.put(key(i), 100L + i);
        }
        Transition attach = Transition.of(v1, v2).orElseThrow();
        ExecutorService workers = Executors.newFixedThreadPool(4);
        int rounds;
        try {
            rounds = rebalance(attach, workers);
        } finally {
            workers.shutdownNow();
        }
        assertTrue(rounds <= 2, "took " + rounds + " rounds");
        assertPlacedExactly(v2, expected);
        assertFalse(store("d").records.isEmpty(), "the new node received nothing");
        // With N=3 and one node added, a copy moves only where d became an owner.
        long onD = store("d").records.size();
        assertTrue(onD < KEYS, "d holds " + onD + " of " + KEYS);

        Ring v3 = ring(3, "a", "b", "c");
        rebalance(Transition.of(v2, v3).orElseThrow());
        assertPlacedExactly(v3, expected);
        assertTrue(store("d").records.isEmpty(), "the detached node still holds " + store("d").records.size());
    }

    @Test
    void nothingIsReleasedWhileATargetIsDownAndTheNextPassFinishes() throws InterruptedException {
        Ring v1 = ring(1, "a", "b", "c");
        Ring v2 = ring(2, "a", "b", "c", "d");
        Map<NeedleKey, Long> expected = new LinkedHashMap<>();
        for (int i = 0; i < KEYS; i++) {
            write(v1, key(i), 10 + i, false);
            expected.put(key(i), 10L + i);
        }
        Transition t = Transition.of(v1, v2).orElseThrow();
        store("d").down = true;
        List<Long> failed = new ArrayList<>();
        for (String id : List.of("a", "b", "c")) {
            MovePass.Counts c = new MovePass.Counts();
            new MovePass(id, t, store(id), x -> store(x.id()), Throttle.of(0, 0), 50, null).run(c, () -> true, () -> { });
            assertEquals(0, c.released, id + " released copies the new owner never confirmed");
            failed.add(c.failed);
        }
        assertTrue(failed.stream().mapToLong(Long::longValue).sum() > 0);
        // Nothing was lost meanwhile: every needle still on all its previous owners.
        assertPlacedExactly(v1, expected);
        store("d").down = false;
        rebalance(t);
        assertPlacedExactly(v2, expected);
    }

    @Test
    void aPassStoppedHalfwayIsFinishedByAFreshOneAsAfterARestart() throws InterruptedException {
        Ring v1 = ring(1, "a", "b", "c");
        Ring v2 = ring(2, "a", "b", "c", "d");
        Map<NeedleKey, Long> expected = new LinkedHashMap<>();
        for (int i = 0; i < KEYS; i++) {
            write(v1, key(i), 10 + i, i % 11 == 0);
            expected.put(key(i), 10L + i);
        }
        Transition t = Transition.of(v1, v2).orElseThrow();
        for (String id : List.of("a", "b", "c")) {
            int[] pages = {0};
            MovePass.Counts c = new MovePass.Counts();
            boolean complete = new MovePass(id, t, store(id), x -> store(x.id()), Throttle.of(0, 0), 20, null)
                    .run(c, () -> pages[0] < 3, () -> pages[0]++);
            assertFalse(complete, "the pass was not stopped");
            assertTrue(c.copied > 0, id + " copied nothing before it stopped");
        }
        // A new mover (the node restarted) knows nothing of the first: it finishes the job.
        rebalance(t);
        assertPlacedExactly(v2, expected);
    }

    @Test
    void aNewerWriteOnTheNewOwnersIsNotOverwrittenAndTheOldCopyIsReleased() throws InterruptedException {
        Ring v1 = ring(1, "a", "b", "c");
        Ring v2 = ring(2, "a", "b", "c", "d");
        Map<NeedleKey, Long> expected = new LinkedHashMap<>();
        for (int i = 0; i < KEYS; i++) {
            write(v1, key(i), 10 + i, false);
            expected.put(key(i), 10L + i);
        }
        // During the move every key is written again, to the new owners only.
        for (int i = 0; i < KEYS; i += 2) {
            write(v2, key(i), 1000 + i, false);
            expected.put(key(i), 1000L + i);
        }
        rebalance(Transition.of(v1, v2).orElseThrow());
        assertPlacedExactly(v2, expected);
    }

    @Test
    void aRingThatGrowsToNOwnersIsFilledByOnePreviousOwner() throws InterruptedException {
        Ring v1 = ring(1, "a", "b");
        Ring v2 = ring(2, "a", "b", "c");
        Map<NeedleKey, Long> expected = new LinkedHashMap<>();
        for (int i = 0; i < 50; i++) {
            write(v1, key(i), 10 + i, false);
            expected.put(key(i), 10L + i);
        }
        rebalance(Transition.of(v1, v2).orElseThrow());
        assertPlacedExactly(v2, expected);
        // Only one of a and b copied each needle to c.
        assertEquals(50, store("c").puts);
    }
}
