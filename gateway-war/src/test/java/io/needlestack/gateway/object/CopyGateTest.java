package io.needlestack.gateway.object;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.needlestack.core.config.NodeConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** How many copies the gate lets run, and what happens to a copy that holds its permit too long. */
class CopyGateTest {

    private static final long LEASE = TimeUnit.MILLISECONDS.toNanos(50);

    @Test
    void noMoreCopiesRunAtOnceThanThePermits() throws Exception {
        CopyGate gate = new CopyGate(2, TimeUnit.SECONDS.toNanos(5), System::nanoTime);
        AtomicInteger running = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            Thread th = new Thread(() -> {
                for (int i = 0; i < 50; i++) {
                    try {
                        gate.run(() -> {
                            most.accumulateAndGet(running.incrementAndGet(), Math::max);
                            try {
                                Thread.sleep(1);
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                            running.decrementAndGet();
                        });
                    } catch (java.io.IOException e) {
                        throw new AssertionError(e);
                    }
                }
            });
            threads.add(th);
            th.start();
        }
        for (Thread th : threads) {
            th.join(60_000);
        }
        assertEquals(2, most.get(), "8 threads, 2 permits");
        assertEquals(0, gate.takeovers());
        assertEquals(0, gate.ungated());
        assertEquals(2, gate.available(), "every permit given back");
    }

    @Test
    void aCopyHoldingItsPermitPastTheLeaseIsTakenOverAndGivesNothingBack() throws Exception {
        AtomicLong now = new AtomicLong();
        CopyGate gate = new CopyGate(1, LEASE, now::get);
        CountDownLatch stalled = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Thread staller = new Thread(() -> {
            try {
                gate.run(() -> {
                    stalled.countDown();
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        staller.start();
        assertTrue(stalled.await(10, TimeUnit.SECONDS));
        assertEquals(0, gate.available());

        // Within its lease, the stalled copy keeps the permit: the next copy waits one lease and runs ungated.
        now.addAndGet(LEASE / 2);
        long t0 = System.nanoTime();
        CopyGate.Lease ungated = gate.enter();
        assertTrue(System.nanoTime() - t0 >= LEASE, "waited a whole lease first");
        gate.exit(ungated);
        assertEquals(1, gate.ungated());
        assertEquals(0, gate.available(), "an ungated copy gives back no permit");

        // Past its lease, the next copy takes the permit over and gives it back when done.
        now.addAndGet(2 * LEASE);
        CopyGate.Lease taken = gate.enter();
        assertEquals(1, gate.takeovers());
        gate.exit(taken);
        assertEquals(1, gate.available());

        // The stalled copy ends later and gives nothing back: one permit, not two.
        release.countDown();
        staller.join(10_000);
        assertEquals(1, gate.available());
        CopyGate.Lease next = gate.enter();
        assertEquals(0, gate.available());
        gate.exit(next);
        assertEquals(1, gate.available());
        assertEquals(1, gate.takeovers());
        assertEquals(1, gate.ungated());
    }

    @Test
    void anInterruptedWaiterRunsUngatedAndKeepsItsInterrupt() throws Exception {
        CopyGate gate = new CopyGate(1, TimeUnit.SECONDS.toNanos(30), System::nanoTime);
        CopyGate.Lease holder = gate.enter();
        AtomicReference<Boolean> interrupted = new AtomicReference<>();
        Thread waiter = new Thread(() -> {
            Thread.currentThread().interrupt();
            gate.exit(gate.enter());
            interrupted.set(Thread.currentThread().isInterrupted());
        });
        waiter.start();
        waiter.join(10_000);
        assertEquals(Boolean.TRUE, interrupted.get());
        assertEquals(1, gate.ungated());
        assertEquals(0, gate.available(), "the holder's permit is still out");
        gate.exit(holder);
        assertEquals(1, gate.available());
    }

    @Test
    void theOpenGateNeverWaitsAndCountsNothing() throws Exception {
        for (int i = 0; i < 100; i++) {
            CopyGate.Lease lease = CopyGate.OPEN.enter();
            CopyGate.OPEN.run(() -> { });
            CopyGate.OPEN.exit(lease);
        }
        assertEquals(0, CopyGate.OPEN.takeovers());
        assertEquals(0, CopyGate.OPEN.ungated());
    }

    @Test
    void settings() {
        assertSame(CopyGate.OPEN, BodyBuffers.gate(NodeConfig.of(Map.of("needlestack.gateway.copy.concurrency", "0"))),
                "0 switches the gate off");
        assertEquals(Runtime.getRuntime().availableProcessors() + 1, BodyBuffers.gate(NodeConfig.of(Map.of())).available());
        assertEquals(5, BodyBuffers.gate(NodeConfig.of(Map.of("needlestack.gateway.copy.concurrency", "5"))).available());
        assertThrows(IllegalArgumentException.class, () -> new CopyGate(1, 0, System::nanoTime));
    }
}
