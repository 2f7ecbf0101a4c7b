package io.needlestack.gateway.cluster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.needlestack.core.ring.Ring;
import io.needlestack.core.ring.RingNode;
import io.needlestack.gateway.cluster.ReplicatedNeedleStorageTest.MemoryReplica;
import io.needlestack.gateway.object.NeedleStorage;
import io.needlestack.storage.store.NeedleKey;
import io.needlestack.storage.store.NeedleKind;
import io.needlestack.storage.store.NeedleRecord;
import io.needlestack.storage.store.NeedleWrite;
import io.needlestack.storage.store.PutResult;
import io.needlestack.storage.store.StoreUnavailableException;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every outcome of one hinted write's delivery, on in-memory replicas. */
class HandOffTest {

    private static final NeedleKey KEY = NeedleKey.object("b", "k");

    private final Map<String, MemoryReplica> replicas = Map.of("a", new MemoryReplica(), "b", new MemoryReplica(),
            "c", new MemoryReplica());
    private final Ring ring = new Ring(1, 3, 32, List.of(RingNode.of("a", "http://a"), RingNode.of("b", "http://b"),
            RingNode.of("c", "http://c")));
    private final HandOff handOff = new HandOff(ring, n -> replicas.get(n.id()));
    private final RingNode target = ring.member("c").orElseThrow();

    @TempDir
    Path dir;

    @Test
    void aMissedVersionIsCopiedFromAMemberThatHoldsIt() {
        put("b", 10, "v10", "ten");
        assertEquals(HandOff.Outcome.DELIVERED, handOff.deliver(target, entry(10, "v10", false)));
        assertArrayEquals("ten".getBytes(StandardCharsets.UTF_8), replicas.get("c").data.get(KEY));
        assertEquals("v10", replicas.get("c").records.get(KEY).versionId());
        // Delivered once: the next round finds it there.
        assertEquals(HandOff.Outcome.ALREADY_THERE, handOff.deliver(target, entry(10, "v10", false)));
    }

    @Test
    void aTombstoneIsWrittenWithoutASource() {
        put("c", 5, "v5", "old");
        assertEquals(HandOff.Outcome.DELIVERED, handOff.deliver(target, entry(9, "v9", true)));
        assertTrue(replicas.get("c").records.get(KEY).tombstone());
        assertEquals(9, replicas.get("c").records.get(KEY).hlc());
    }

    @Test
    void aNewerVersionAnywhereSupersedesTheEntry() {
        put("a", 20, "v20", "twenty");
        assertEquals(HandOff.Outcome.SUPERSEDED, handOff.deliver(target, entry(10, "v10", false)));
        assertFalse(replicas.get("c").records.containsKey(KEY), "nothing copied");
    }

    /** The case that kept an entry, and its restarted target's recovery, waiting for ever. */
    @Test
    void aVersionNoMemberHoldsAnyMoreLeavesTheQueue() {
        // Deleted and purged everywhere: nobody holds any version of the key.
        assertEquals(HandOff.Outcome.NOWHERE, handOff.deliver(target, entry(10, "v10", false)));
        // Never stored anywhere (its write failed on every replica): only an older version is left.
        put("a", 5, "v5", "five");
        put("b", 5, "v5", "five");
        assertEquals(HandOff.Outcome.NOWHERE, handOff.deliver(target, entry(10, "v10", false)));
        assertTrue(HandOff.Outcome.NOWHERE.done());
    }

    @Test
    void aMemberThatDoesNotAnswerMayHoldItSoTheEntryWaits() {
        replicas.get("a").down = true;
        HandOff.Outcome o = handOff.deliver(target, entry(10, "v10", false));
        assertEquals(HandOff.Outcome.UNAVAILABLE, o);
        assertFalse(o.done());
        // The holder answers again: delivered.
        replicas.get("a").down = false;
        put("a", 10, "v10", "ten");
        assertEquals(HandOff.Outcome.DELIVERED, handOff.deliver(target, entry(10, "v10", false)));
    }

    @Test
    void aTargetThatDoesNotAnswerIsRetried() {
        replicas.get("c").down = true;
        assertThrows(StoreUnavailableException.class, () -> handOff.deliver(target, entry(10, "v10", true)));
        put("a", 10, "v10", "ten");
        // It answers but its write fails after the source was read: retried, never "nowhere".
        replicas.get("c").down = false;
        HandOff failing = new HandOff(ring,
                n -> n.id().equals("c") ? new FailingWrites(replicas.get("c")) : replicas.get(n.id()));
        assertEquals(HandOff.Outcome.UNAVAILABLE, failing.deliver(target, entry(10, "v10", false)));
        assertFalse(replicas.get("c").records.containsKey(KEY));
    }

    private void put(String node, long hlc, String versionId, String body) {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        replicas.get(node).put(new NeedleWrite(KEY, hlc, versionId, false, Map.of()), new ByteArrayInputStream(b),
                b.length, false);
    }

    private RepairQueue.Entry entry(long hlc, String versionId, boolean tombstone) {
        return new RepairQueue.Entry(dir.resolve("e.json"), "c", KEY, hlc, versionId, tombstone, 0, Instant.EPOCH);
    }

    /** A replica whose reads answer and whose writes fail (a full or failing disk). */
    private record FailingWrites(MemoryReplica reads) implements NeedleStorage {

        @Override
        public PutResult put(NeedleWrite w, InputStream in, long length, boolean keepOlderVersions) {
            throw new StoreUnavailableException("disk full");
        }

        @Override
        public Optional<NeedleRecord> head(NeedleKey key) {
            return reads.head(key);
        }

        @Override
        public Optional<NeedleRecord> head(NeedleKey key, String versionId) {
            return reads.head(key, versionId);
        }

        @Override
        public InputStream open(NeedleRecord record, long from, long length) {
            return reads.open(record, from, length);
        }

        @Override
        public List<NeedleRecord> list(NeedleKind kind, String bucket, String prefix, String startAfter, int limit,
                                       boolean includeTombstones) {
            return reads.list(kind, bucket, prefix, startAfter, limit, includeTombstones);
        }
    }
}
