package io.needlestack.core.quorum;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class QuorumTrackerTest {

    private static final List<String> THREE = List.of("a", "b", "c");

    @Test
    void satisfiedAtTheWthSuccessAndStaysSo() {
        QuorumTracker t = new QuorumTracker(THREE, 2);
        assertEquals(QuorumTracker.State.PENDING, t.state());
        assertEquals(THREE, t.pending());
        assertFalse(t.success("b"));
        assertTrue(t.success("a"));
        assertTrue(t.isSatisfied());
        assertFalse(t.failure("c", true), "a late failure does not undo a reached quorum");
        assertEquals(QuorumTracker.State.SATISFIED, t.state());
        assertEquals(List.of("b", "a"), t.succeeded());
        assertEquals(List.of("c"), t.retryableFailures(), "the late failure is still queued for repair");
        assertEquals(List.of(), t.pending());
    }

    @Test
    void impossibleAsSoonAsTooManyFailed() {
        QuorumTracker t = new QuorumTracker(THREE, 2);
        assertFalse(t.failure("a", true));
        assertFalse(t.isImpossible(), "b and c may still succeed");
        assertTrue(t.failure("b", false));
        assertEquals(QuorumTracker.State.IMPOSSIBLE, t.state());
        assertTrue(t.isDecided());
        assertEquals(List.of("c"), t.pending());
        assertEquals(List.of("a"), t.retryableFailures());
        assertEquals(List.of("b"), t.permanentFailures());
        assertFalse(t.success("c"), "one success cannot reach two");
        assertTrue(t.isImpossible());
    }

    @Test
    void allMustSucceedWhenWEqualsN() {
        QuorumTracker t = new QuorumTracker(THREE, 3);
        t.success("a");
        t.success("b");
        assertFalse(t.isSatisfied());
        assertTrue(t.failure("c", true));
    }

    @Test
    void fewerReplicasThanNeededIsImpossibleAtOnce() {
        QuorumTracker t = new QuorumTracker(List.of("a"), 2);
        assertTrue(t.isImpossible(), "two nodes down out of three with W=2: answer 503 without waiting");
        assertTrue(new QuorumTracker(List.of(), 1).isImpossible());
    }

    @Test
    void firstAnswerOfAReplicaCounts() {
        QuorumTracker t = new QuorumTracker(THREE, 2);
        t.success("a");
        assertFalse(t.success("a"), "a duplicate success is not a second acknowledgement");
        t.failure("a", false);
        assertEquals(List.of("a"), t.succeeded());
        assertEquals(List.of(), t.permanentFailures());
        t.failure("b", true);
        t.success("b");
        assertFalse(t.isSatisfied());
    }

    @Test
    void refusesStrangers() {
        QuorumTracker t = new QuorumTracker(THREE, 2);
        assertThrows(IllegalArgumentException.class, () -> t.success("z"));
        assertThrows(IllegalArgumentException.class, () -> t.failure("z", true));
        assertThrows(IllegalArgumentException.class, () -> new QuorumTracker(THREE, 0));
        assertThrows(IllegalArgumentException.class, () -> new QuorumTracker(List.of("a", "a"), 1));
    }

    @Test
    void concurrentAnswersAreCountedOnce() throws InterruptedException {
        List<String> nodes = java.util.stream.IntStream.range(0, 64).mapToObj(i -> "n" + i).toList();
        for (int round = 0; round < 20; round++) {
            QuorumTracker t = new QuorumTracker(nodes, 40);
            ExecutorService pool = Executors.newFixedThreadPool(4);
            for (String n : nodes) {
                pool.submit(() -> {
                    if (n.hashCode() % 3 == 0) {
                        t.failure(n, true);
                    } else {
                        t.success(n);
                    }
                });
            }
            pool.shutdown();
            assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
            assertEquals(64, t.succeeded().size() + t.retryableFailures().size());
            assertEquals(t.succeeded().size() >= 40, t.isSatisfied());
            assertTrue(t.pending().isEmpty());
        }
    }
}
