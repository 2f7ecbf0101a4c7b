package io.needlestack.storage.engine;

import static io.needlestack.storage.engine.EngineTestSupport.assertData;
import static io.needlestack.storage.engine.CompactionTest.awaitIdle;
import static io.needlestack.storage.engine.EngineTestSupport.data;
import static io.needlestack.storage.engine.EngineTestSupport.obj;
import static io.needlestack.storage.engine.EngineTestSupport.put;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.needlestack.storage.needle.NeedleFormat;
import io.needlestack.storage.store.CorruptNeedleException;
import io.needlestack.storage.store.DamagedNeedle;
import io.needlestack.storage.store.NeedleKey;
import io.needlestack.storage.store.NeedleRecord;
import io.needlestack.storage.store.ScrubStatus;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scrubbing and the damage ledger on real files: bit rot found by a scrub, a read or a
 * compaction is listed, no longer served, and replaced only by a copy that matches.
 */
class ScrubTest {
    @TempDir
    Path dir;

    private EngineConfig config() {
        return EngineConfig.of(dir).withMinFreeBytes(0).withContainersPerDirectory(2);
    }

    private static Map<NeedleKey, byte[]> fill(NeedleEngine e, int n) {
        Map<NeedleKey, byte[]> live = new HashMap<>();
        for (int i = 0; i < n; i++) {
            byte[] d = data(i, 3000 + 97 * i);
            put(e, obj("b", "k" + i), 100 + i, "v" + i, d, false);
            live.put(obj("b", "k" + i), d);
        }
        return live;
    }

    /** Flips one data byte on disk: the header and names stay intact, only the data checksums see it. */
    private void flipDataByte(NeedleRecord r) throws IOException {
        try (FileChannel f = FileChannel.open(dir.resolve("containers")
                .resolve(String.format("container-%05d.ndl", r.containerId())), StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            long at = r.offset() + r.needleLength() - NeedleFormat.FOOTER_LENGTH - 64;
            ByteBuffer b = ByteBuffer.allocate(1);
            f.read(b, at);
            b.put(0, (byte) ~b.get(0)).rewind();
            f.write(b, at);
        }
    }

    private static ScrubStatus awaitScrub(NeedleEngine e) {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (true) {
            ScrubStatus s = e.scrubStatus();
            if (s.state().equals("idle") && s.startedAtMillis() > 0) {
                return s;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("scrub still " + s.state() + ": " + s);
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException ie) {
                throw new AssertionError(ie);
            }
        }
    }

    private static void assertRefused(NeedleEngine e, NeedleRecord r) {
        CorruptNeedleException x = assertThrows(CorruptNeedleException.class,
                () -> e.openData(r, 0, r.dataLength()).close());
        assertTrue(x.getMessage().contains("waits for a repair"), x.getMessage());
    }

    @Test
    void aScrubFindsAFlippedByteAndTheVersionIsServedAgainOnlyOnceAMatchingCopyReplacesIt() throws IOException {
        Map<NeedleKey, byte[]> live;
        NeedleKey victim = obj("b", "k7");
        NeedleRecord before;
        try (NeedleEngine e = NeedleEngine.open(config())) {
            live = fill(e, 40);
            before = e.get(victim).orElseThrow();
            flipDataByte(before);
            assertEquals(0, e.scrubStatus().lastDoneMillis());

            e.scrubStart(Long.MAX_VALUE);
            ScrubStatus s = awaitScrub(e);
            assertEquals("done", s.outcome(), s.toString());
            assertEquals(39, s.needlesVerified(), s.toString());
            assertEquals(1, s.damagedFound(), s.toString());
            assertEquals(1, s.damagedNow(), s.toString());
            assertTrue(s.lastDoneMillis() > 0, s.toString());
            List<DamagedNeedle> damaged = e.damaged();
            assertEquals(1, damaged.size());
            assertEquals("scrub", damaged.get(0).foundBy());
            assertEquals(before, damaged.get(0).record());
            assertTrue(damaged.get(0).replacesOlder());
            assertRefused(e, before);
            for (Map.Entry<NeedleKey, byte[]> x : live.entrySet()) {
                if (!x.getKey().equals(victim)) {
                    assertData(e, e.get(x.getKey()).orElseThrow(), x.getValue());
                }
            }

            // A copy that differs (one byte) is refused and nothing is indexed.
            byte[] wrong = live.get(victim).clone();
            wrong[10] ^= 1;
            assertThrows(CorruptNeedleException.class, () -> e.repairDamaged(before, new ByteArrayInputStream(wrong)));
            assertEquals(before, e.get(victim).orElseThrow());
            assertEquals(1, e.damaged().size());
            assertRefused(e, before);

            assertTrue(e.repairDamaged(before, new ByteArrayInputStream(live.get(victim))));
            assertTrue(e.damaged().isEmpty());
            NeedleRecord after = e.get(victim).orElseThrow();
            assertEquals(before.hlc(), after.hlc());
            assertEquals(before.versionId(), after.versionId());
            assertEquals(before.md5Hex(), after.md5Hex());
            assertNotEquals(before.offset() + "/" + before.containerId(), after.offset() + "/" + after.containerId());
            assertData(e, after, live.get(victim));
            assertFalse(e.repairDamaged(before, new ByteArrayInputStream(live.get(victim))), "repaired twice");
            assertEquals(1, e.scrubStatus().repaired());

            e.scrubStart(Long.MAX_VALUE);
            ScrubStatus again = awaitScrub(e);
            assertEquals(40, again.needlesVerified(), again.toString());
            assertEquals(0, again.damagedFound(), again.toString());
        }
        try (NeedleEngine e = NeedleEngine.open(config())) {
            assertTrue(e.scrubStatus().lastDoneMillis() > 0, "the last complete run is kept across a restart");
            for (Map.Entry<NeedleKey, byte[]> x : live.entrySet()) {
                assertData(e, e.get(x.getKey()).orElseThrow(), x.getValue());
            }
        }
    }

    @Test
    void aReadThatFailsTheChecksumListsTheVersionAndTheNextReadIsRefusedAtOnce() throws IOException {
        try (NeedleEngine e = NeedleEngine.open(config())) {
            fill(e, 5);
            NeedleRecord r = e.get(obj("b", "k3")).orElseThrow();
            flipDataByte(r);
            assertThrows(CorruptNeedleException.class, () -> e.openData(r, 0, r.dataLength()).readAllBytes());
            List<DamagedNeedle> damaged = e.damaged();
            assertEquals(1, damaged.size());
            assertEquals("read", damaged.get(0).foundBy());
            assertRefused(e, r);
            // A range read does not cover the checksum; it is refused too while the version is listed.
            assertThrows(CorruptNeedleException.class, () -> e.openData(r, 0, 10).close());
        }
    }

    @Test
    void aCompactionThatCannotCopyADamagedNeedleListsItAndARepairServesItAgain() throws IOException {
        try (NeedleEngine e = NeedleEngine.open(config())) {
            Map<NeedleKey, byte[]> live = fill(e, 30);
            for (int i = 0; i < 10; i++) {
                put(e, obj("b", "k" + i), 1000 + i, "w" + i, data(1000 + i, 2000), false);
                live.put(obj("b", "k" + i), data(1000 + i, 2000));
            }
            NeedleKey victim = obj("b", "k20");
            NeedleRecord r = e.get(victim).orElseThrow();
            flipDataByte(r);
            e.compactStart(Set.of());
            assertEquals(1, awaitIdle(e).corruptSkipped());
            List<DamagedNeedle> damaged = e.damaged();
            assertEquals(1, damaged.size());
            assertEquals("compaction", damaged.get(0).foundBy());
            assertRefused(e, e.get(victim).orElseThrow());

            assertTrue(e.repairDamaged(damaged.get(0).record(), new ByteArrayInputStream(live.get(victim))));
            for (Map.Entry<NeedleKey, byte[]> x : live.entrySet()) {
                assertData(e, e.get(x.getKey()).orElseThrow(), x.getValue());
            }
            e.scrubStart(Long.MAX_VALUE);
            assertEquals(0, awaitScrub(e).damagedFound());
        }
    }

    @Test
    void aDamagedVersionReplacedByANewerOneLeavesTheList() throws IOException {
        try (NeedleEngine e = NeedleEngine.open(config())) {
            fill(e, 5);
            NeedleRecord r = e.get(obj("b", "k2")).orElseThrow();
            flipDataByte(r);
            e.scrubStart(Long.MAX_VALUE);
            assertEquals(1, awaitScrub(e).damagedFound());
            byte[] newer = data(77, 1234);
            put(e, obj("b", "k2"), 5000, "new", newer, false);
            assertTrue(e.damaged().isEmpty(), "the replaced version is no longer anyone's to repair");
            assertFalse(e.repairDamaged(r, new ByteArrayInputStream(new byte[0])));
            assertData(e, e.get(obj("b", "k2")).orElseThrow(), newer);
        }
    }

    @Test
    void theDamageListOutlivesARestartAndATornTail() throws IOException {
        NeedleKey odd = obj("b", "zwei\nzeilen \u00fc/\u6f22");
        byte[] oddData = data(91, 5000);
        NeedleRecord read;
        NeedleRecord scrubbed;
        try (NeedleEngine e = NeedleEngine.open(config())) {
            fill(e, 6);
            put(e, odd, 900, "odd", oddData, false);
            read = e.get(odd).orElseThrow();
            scrubbed = e.get(obj("b", "k4")).orElseThrow();
            flipDataByte(read);
            flipDataByte(scrubbed);
            assertThrows(CorruptNeedleException.class, () -> e.openData(read, 0, read.dataLength()).readAllBytes());
            e.scrubStart(Long.MAX_VALUE);
            assertEquals(1, awaitScrub(e).damagedFound(), "the version the read found is not scrubbed again");
        }
        Path journal = dir.resolve("damage.list");
        assertTrue(java.nio.file.Files.size(journal) > 0);
        try (NeedleEngine e = NeedleEngine.open(config())) {
            Map<NeedleKey, String> foundBy = new HashMap<>();
            e.damaged().forEach(d -> foundBy.put(d.record().key(), d.foundBy()));
            assertEquals(Map.of(odd, "read", obj("b", "k4"), "scrub"), foundBy);
            assertRefused(e, read);
            assertRefused(e, scrubbed);
            assertTrue(e.repairDamaged(read, new ByteArrayInputStream(oddData)));
        }
        // A record cut short by a crash: what came before it still counts.
        byte[] torn = DamageLedger.encode(new DamagedNeedle(read, true, "read", 1, "x"), (byte) 'A');
        java.nio.file.Files.write(journal, java.util.Arrays.copyOf(torn, torn.length - 3),
                StandardOpenOption.APPEND);
        try (NeedleEngine e = NeedleEngine.open(config())) {
            assertEquals(List.of(obj("b", "k4")), e.damaged().stream().map(d -> d.record().key()).toList());
            assertData(e, e.get(odd).orElseThrow(), oddData);
            assertRefused(e, scrubbed);
            byte[] newer = data(78, 1500);
            put(e, obj("b", "k4"), 5000, "new", newer, false);
            assertTrue(e.damaged().isEmpty(), "the replaced version is no longer anyone's to repair");
        }
        try (NeedleEngine e = NeedleEngine.open(config())) {
            assertTrue(e.damaged().isEmpty());
            assertFalse(java.nio.file.Files.exists(journal), "nothing listed, no file");
        }
    }

    @Test
    void theScrubKeepsToItsRate() {
        try (NeedleEngine e = NeedleEngine.open(config())) {
            fill(e, 40);
            long rate = 100_000;
            long t0 = System.nanoTime();
            e.scrubStart(rate);
            ScrubStatus s = awaitScrub(e);
            double seconds = (System.nanoTime() - t0) / 1e9;
            assertEquals(40, s.needlesVerified(), s.toString());
            // About 190 KB at 100 KB/s: the last needle may start just before its time is due.
            long firstNeedles = s.bytesVerified() - 10_000;
            assertTrue(seconds >= firstNeedles / (double) rate, seconds + " s for " + s.bytesVerified() + " bytes");
        }
    }
}
