package io.needlestack.storage.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.needlestack.storage.needle.NeedleFormat;
import io.needlestack.storage.store.DataLengthException;
import io.needlestack.storage.store.NeedleKey;
import io.needlestack.storage.store.NeedleKind;
import io.needlestack.storage.store.NeedleWrite;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Spools in memory while the shared budget lasts, in files after that, and give the budget back. */
class SpoolTest {

    @TempDir
    Path dir;

    private static NeedleFormat.Prefix prefix(int length) {
        return NeedleFormat.encodePrefix(new NeedleWrite(new NeedleKey(NeedleKind.OBJECT, "b", "k"), 1, "v1", false,
                Map.of()), true, length);
    }

    private Spool spool(int length, Spool.MemoryBudget budget) {
        return Spool.create(SystemFileLayer.INSTANCE, dir, prefix(length), new ByteArrayInputStream(new byte[length]),
                1 << 20, budget);
    }

    @Test
    void memoryWhileTheBudgetLastsThenFilesAndTheBudgetComesBack() throws Exception {
        Spool.MemoryBudget budget = new Spool.MemoryBudget(2L << 20);
        Spool a = spool(1 << 20, budget);
        Spool b = spool(1 << 20, budget);
        assertEquals(0, budget.availableKib());
        Spool c = spool(1 << 20, budget); // budget spent: a file
        assertNull(c.memoryForTest());
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count());
        }
        assertNotNull(a.memoryForTest());
        a.close();
        a.close(); // closing twice gives back once
        assertEquals(1024, budget.availableKib());
        b.close();
        c.close();
        assertEquals(2048, budget.availableKib());
        try (var files = Files.list(dir)) {
            assertEquals(0, files.count());
        }
    }

    @Test
    void aShortBodyGivesTheBudgetBack() {
        Spool.MemoryBudget budget = new Spool.MemoryBudget(4L << 20);
        assertThrows(DataLengthException.class, () -> Spool.create(SystemFileLayer.INSTANCE, dir, prefix(1000),
                new ByteArrayInputStream(new byte[10]), 1 << 20, budget));
        assertEquals(4096, budget.availableKib());
    }

    @Test
    void aboveTheThresholdAlwaysAFile() {
        Spool.MemoryBudget budget = new Spool.MemoryBudget(64L << 20);
        try (Spool s = spool((1 << 20) + 1, budget)) {
            assertNull(s.memoryForTest());
            assertEquals(65536, budget.availableKib());
        }
    }
}
