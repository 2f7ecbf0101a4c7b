package io.needlestack.gateway.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The per-node bound on replica calls, and the order in which a request takes its slots. */
class ReplicaSlotsTest {

    @Test
    void nodesWithAFreeSlotAreServedBeforeABusyNodeIsWaitedForAndItsRefusalIsReported() {
        ReplicaSlots slots = new ReplicaSlots(1, Duration.ofMillis(50));
        assertTrue(slots.acquire("b"), "b's only slot is taken by an earlier call");
        List<String> events = new ArrayList<>();
        slots.acquireEach(List.of("b", "a", "c"), n -> n, n -> events.add("send " + n), n -> events.add("refused " + n));
        assertEquals(List.of("send a", "send c", "refused b"), events,
                "a and c were not served first, before the wait for b");
        assertEquals(1, slots.shed());
        assertEquals(1, slots.inFlight("a"));
        assertEquals(1, slots.inFlight("b"), "a refused node holds only the earlier call's slot");
    }

    @Test
    void aSlotFreedDuringTheWaitIsTakenAndAStarvedNodeIsNotWaitedForAgainAtOnce() throws Exception {
        ReplicaSlots slots = new ReplicaSlots(1, Duration.ofSeconds(5));
        assertTrue(slots.acquire("n"));
        CompletableFuture.runAsync(() -> {
            sleep(100);
            slots.release("n");
        });
        long t0 = System.nanoTime();
        assertTrue(slots.acquire("n"), "the slot released during the wait was not taken");
        assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(5));

        ReplicaSlots quick = new ReplicaSlots(1, Duration.ofSeconds(1));
        assertTrue(quick.acquire("h"));
        long w0 = System.nanoTime();
        assertFalse(quick.acquire("h"), "a hung node's slot is still taken");
        assertTrue(System.nanoTime() - w0 >= TimeUnit.SECONDS.toNanos(1), "the first refusal waited");
        long w1 = System.nanoTime();
        assertFalse(quick.acquire("h"));
        assertTrue(System.nanoTime() - w1 < TimeUnit.SECONDS.toNanos(1),
                "within a second of a wait in vain, a request waited for the same node again");
        assertEquals(2, quick.shed());
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
