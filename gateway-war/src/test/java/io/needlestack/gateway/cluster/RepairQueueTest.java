package io.needlestack.gateway.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.needlestack.storage.store.NeedleKey;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The repair queue's schedule, on real entry files. */
class RepairQueueTest {

    private static final NeedleKey KEY = NeedleKey.object("b", "k");

    @Test
    void theQueueHandsOutEntriesForAWaitingTargetWhateverTheirBackOff(@TempDir Path queueDir) {
        RepairQueue q = new RepairQueue(queueDir);
        q.add("c", KEY, 10, "v10", false);
        q.add("d", KEY, 10, "v10", false);
        Instant t0 = Instant.now();
        for (RepairQueue.Entry e : q.due(t0, 10, t -> false)) {
            // Six failures: the next try is a minute away.
            RepairQueue.Entry x = e;
            for (int i = 0; i < 6; i++) {
                q.retryLater(x, t0);
                x = q.due(t0.plusSeconds(3600), 10, t -> false).stream()
                        .filter(y -> y.file().equals(e.file())).findFirst().orElseThrow();
            }
            q.retryLater(x, t0);
        }
        assertEquals(List.of(), q.due(t0.plusSeconds(30), 10, t -> false), "backed off");
        // "c" restarted and waits for its hints: its entry is due now, "d"'s is not.
        List<RepairQueue.Entry> eager = q.due(t0.plusSeconds(30), 10, "c"::equals);
        assertEquals(1, eager.size());
        assertEquals("c", eager.get(0).target());
        // Tried again just now: not again within the eager interval, due again after it.
        q.retryLater(eager.get(0), t0.plusSeconds(30));
        assertEquals(List.of(), q.due(t0.plusSeconds(31), 10, "c"::equals));
        assertEquals(1, q.due(t0.plusSeconds(30).plus(RepairQueue.EAGER_RETRY), 10, "c"::equals).size());
        assertEquals(2, q.due(t0.plusSeconds(3600), 10, t -> false).size());
    }
}
