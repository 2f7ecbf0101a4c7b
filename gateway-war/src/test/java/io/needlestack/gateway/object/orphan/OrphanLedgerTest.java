package io.needlestack.gateway.object.orphan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.needlestack.gateway.object.orphan.OrphanLedger.Verdict;
import io.needlestack.storage.store.NeedleKey;
import io.needlestack.storage.store.NeedleKind;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class OrphanLedgerTest {

    private static final NeedleKey A = new NeedleKey(NeedleKind.CHUNK, "b", "a\nv\n0");
    private static final NeedleKey B = new NeedleKey(NeedleKind.CHUNK, "b", "b\nv\n0");
    private static final long T = 1_700_000_000_000L;

    @Test
    void youngChunksAreNotJudged() {
        OrphanLedger l = new OrphanLedger(Duration.ofHours(24), Duration.ofMinutes(5), 10);
        assertFalse(l.oldEnough(T - Duration.ofHours(24).toMillis() + 1, T));
        assertTrue(l.oldEnough(T - Duration.ofHours(24).toMillis(), T));
    }

    @Test
    void collectedOnlyByALaterPassAfterTheSettleTime() {
        OrphanLedger l = new OrphanLedger(Duration.ZERO, Duration.ofMinutes(5), 10);
        l.startPass();
        assertEquals(Verdict.WAIT, l.unreferenced(A, T));
        // Seen again in the same pass, even much later: still the first sighting's pass.
        assertEquals(Verdict.WAIT, l.unreferenced(A, T + Duration.ofHours(1).toMillis()));
        l.endPass();
        l.startPass();
        assertEquals(Verdict.WAIT, l.unreferenced(A, T + Duration.ofMinutes(5).toMillis() - 1));
        l.endPass();
        l.startPass();
        assertEquals(Verdict.COLLECT, l.unreferenced(A, T + Duration.ofMinutes(5).toMillis()));
        assertEquals(0, l.marked());
        l.endPass();
    }

    @Test
    void aPassThatDoesNotSeeAChunkUnreferencedStartsItsClockAgain() {
        OrphanLedger l = new OrphanLedger(Duration.ZERO, Duration.ofMinutes(5), 10);
        l.startPass();
        l.unreferenced(A, T);
        l.unreferenced(B, T);
        l.endPass();
        // A is referenced again (or gone) in this pass: only B is seen unreferenced.
        l.startPass();
        l.unreferenced(B, T + 1);
        l.endPass();
        assertEquals(1, l.marked());
        l.startPass();
        long later = T + Duration.ofHours(1).toMillis();
        assertEquals(Verdict.WAIT, l.unreferenced(A, later));
        assertEquals(Verdict.COLLECT, l.unreferenced(B, later));
        l.endPass();
    }

    @Test
    void aFullLedgerMarksNothingNew() {
        OrphanLedger l = new OrphanLedger(Duration.ZERO, Duration.ZERO, 1);
        l.startPass();
        l.unreferenced(A, T);
        assertEquals(Verdict.WAIT, l.unreferenced(B, T));
        l.endPass();
        l.startPass();
        assertEquals(Verdict.COLLECT, l.unreferenced(A, T));
        // B was never marked: its first sighting is now, and it waits for the next pass.
        assertEquals(Verdict.WAIT, l.unreferenced(B, T));
        l.endPass();
        l.startPass();
        assertEquals(Verdict.COLLECT, l.unreferenced(B, T));
        l.endPass();
    }

    @Test
    void rejectsNonsense() {
        assertThrows(IllegalArgumentException.class, () -> new OrphanLedger(Duration.ofSeconds(-1), Duration.ZERO, 1));
        assertThrows(IllegalArgumentException.class, () -> new OrphanLedger(Duration.ZERO, Duration.ZERO, 0));
    }
}
