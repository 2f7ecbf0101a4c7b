package io.needlestack.gateway.cluster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.needlestack.core.quorum.ConsistencyLevels;
import io.needlestack.core.ring.Ring;
import io.needlestack.core.ring.RingNode;
import io.needlestack.gateway.object.NeedleStorage;
import io.needlestack.storage.store.NeedleKey;
import io.needlestack.storage.store.NeedleKind;
import io.needlestack.storage.store.NeedleRecord;
import io.needlestack.storage.store.NeedleWrite;
import io.needlestack.storage.store.PutResult;
import io.needlestack.storage.store.StoreUnavailableException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The coordination rules of replicated writes, reads and listings, over three in-memory replica
 * stores (the real stores and the network are covered by the cluster integration tests).
 */
class ReplicatedNeedleStorageTest {

    /** S3's (and the store's) order of names: UTF-8 bytes, unsigned. */
    static final java.util.Comparator<String> UTF8 = (x, y) -> java.util.Arrays.compareUnsigned(
            x.getBytes(StandardCharsets.UTF_8), y.getBytes(StandardCharsets.UTF_8));

    /** A replica: a map of records and bytes, which can be switched off like a dead node. */
    static final class MemoryReplica implements NeedleStorage {
        final Map<NeedleKey, NeedleRecord> records = new ConcurrentHashMap<>();
        final Map<NeedleKey, byte[]> data = new ConcurrentHashMap<>();
        volatile boolean down;
        /** When set, writes wait for it (a slow replica). */
        volatile java.util.concurrent.CountDownLatch gate;

        private void check() {
            if (down) {
                throw new StoreUnavailableException("node down");
            }
        }

        @Override
        public PutResult put(NeedleWrite w, InputStream in, long length, boolean keepOlder) {
            java.util.concurrent.CountDownLatch g = gate;
            if (g != null) {
                try {
                    if (!g.await(10, java.util.concurrent.TimeUnit.SECONDS)) {
                        throw new StoreUnavailableException("gate never opened");
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new StoreUnavailableException("interrupted");
                }
            }
            return putNow(w, in, length);
        }

        private synchronized PutResult putNow(NeedleWrite w, InputStream in, long length) {
            check();
            byte[] bytes;
            try {
                bytes = in.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            NeedleRecord old = records.get(w.key());
            if (old != null && old.hlc() > w.hlc()) {
                return new PutResult(old, false, List.of());
            }
            NeedleRecord r = new NeedleRecord(w.key(), w.hlc(), w.versionId(), w.tombstone(), w.metadata(), length,
                    Integer.toHexString(java.util.Arrays.hashCode(bytes)), 0, 0, 0, length);
            // Data first: a reader that finds the new record must find its bytes (read repair runs concurrently).
            data.put(w.key(), bytes);
            records.put(w.key(), r);
            return new PutResult(r, true, old == null ? List.of() : List.of(old));
        }

        @Override
        public Optional<NeedleRecord> head(NeedleKey key) {
            check();
            return Optional.ofNullable(records.get(key));
        }

        /**
         * A version this replica still indexed when a read looked it up, then replaced and
         * compacted away before the read opened it (what LocalNeedleStorage reports then).
         */
        volatile NeedleRecord compactedAway;

        @Override
        public Optional<NeedleRecord> head(NeedleKey key, String versionId) {
            NeedleRecord raced = compactedAway;
            if (raced != null && raced.key().equals(key) && raced.versionId().equals(versionId)) {
                check();
                return Optional.of(raced);
            }
            return head(key).filter(r -> r.versionId().equals(versionId));
        }

        /** Shared by the replicas: the next open of any of them breaks after that many bytes (once). */
        volatile java.util.concurrent.atomic.AtomicLong breakAfter;

        @Override
        public InputStream open(NeedleRecord record, long from, long length) {
            check();
            NeedleRecord raced = compactedAway;
            if (raced != null && raced.equals(record)) {
                throw new io.needlestack.gateway.object.VersionGoneException("compacted away");
            }
            InputStream in = new ByteArrayInputStream(data.get(record.key()), (int) from, (int) length);
            java.util.concurrent.atomic.AtomicLong b = breakAfter;
            long after = b == null ? -1 : b.getAndSet(-1);
            if (after < 0) {
                return in;
            }
            return new java.io.FilterInputStream(in) {
                private long given;

                @Override
                public int read(byte[] buf, int off, int len) throws IOException {
                    if (given >= after) {
                        throw new IOException("connection reset by the dying node");
                    }
                    int n = super.read(buf, off, (int) Math.min(len, after - given));
                    given += Math.max(0, n);
                    return n;
                }
            };
        }

        @Override
        public List<NeedleRecord> list(NeedleKind kind, String bucket, String prefix, String startAfter, int limit,
                                       boolean tombstones) {
            check();
            return records.values().stream().filter(r -> r.key().kind() == kind && r.key().bucket().equals(bucket))
                    .filter(r -> r.key().name().startsWith(prefix))
                    .filter(r -> startAfter == null || UTF8.compare(r.key().name(), startAfter) > 0)
                    .filter(r -> tombstones || !r.tombstone())
                    .sorted(java.util.Comparator.comparing(r -> r.key().name(), UTF8)).limit(limit).toList();
        }
    }

    private final ExecutorService executor = Executors.newFixedThreadPool(8);
    private final Map<String, MemoryReplica> replicas = Map.of("a", new MemoryReplica(), "b", new MemoryReplica(),
            "c", new MemoryReplica());
    private final Ring ring = new Ring(1, 3, 32, List.of(RingNode.of("a", "http://a"), RingNode.of("b", "http://b"),
            RingNode.of("c", "http://c")));
    private final LongAdder degraded = new LongAdder();
    private final LongAdder failed = new LongAdder();

    @TempDir
    Path spoolDir;

    @AfterEach
    void stop() {
        executor.shutdownNow();
    }

    private ReplicatedNeedleStorage storage(int w, int r) {
        return new ReplicatedNeedleStorage(ring, new ConsistencyLevels(3, w, r, w), n -> replicas.get(n.id()), executor,
                Duration.ofSeconds(5), new PayloadSpool(spoolDir, 16), degraded, failed,
                new RepairQueue(spoolDir.resolve("repair")));
    }

    private static NeedleWrite write(String key, long hlc) {
        return new NeedleWrite(NeedleKey.object("b", key), hlc, "v" + hlc, false, Map.of());
    }

    private static InputStream bytes(String s) {
        return new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8));
    }

    /** Retries an assertion for up to 5 s: the replica beyond W finishes after the answer. */
    private static void eventually(Runnable assertion) {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(5);
        while (true) {
            try {
                assertion.run();
                return;
            } catch (AssertionError e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                java.util.concurrent.locks.LockSupport.parkNanos(10_000_000);
            }
        }
    }

    @Test
    void writesReachEveryReplicaAndSurviveOneNodeDown() {
        ReplicatedNeedleStorage s = storage(2, 2);
        s.put(write("k", 10), bytes("hello world, spooled to a file"), 30, false);
        eventually(() -> replicas.values().forEach(r -> assertTrue(r.records.containsKey(NeedleKey.object("b", "k")))));
        replicas.get("c").down = true;
        s.put(write("k", 11), bytes("second"), 6, false);
        assertEquals(11, s.head(NeedleKey.object("b", "k")).orElseThrow().hlc());
        eventually(() -> assertEquals(1, failed.sum()));
        RepairQueue queue = new RepairQueue(spoolDir.resolve("repair"));
        assertEquals(1, queue.depth(), "the missed write is queued for node c, durably (a new queue reads it)");
        RepairQueue.Entry e = queue.due(java.time.Instant.now(), 10, t -> false).get(0);
        assertEquals("c", e.target());
        assertEquals(11, e.hlc());
    }

    @Test
    void aWriteIsAnsweredAtWAndTheSlowReplicaStillGetsTheSpooledPayload() throws Exception {
        java.util.concurrent.CountDownLatch gate = new java.util.concurrent.CountDownLatch(1);
        replicas.get("c").gate = gate;
        // 30 bytes with a memory limit of 16: the payload is a spool file, which must outlive the answer.
        storage(2, 2).put(write("slow", 10), bytes("hello world, spooled to a file"), 30, false);
        assertTrue(replicas.get("a").records.containsKey(NeedleKey.object("b", "slow"))
                || replicas.get("b").records.containsKey(NeedleKey.object("b", "slow")));
        assertFalse(replicas.get("c").records.containsKey(NeedleKey.object("b", "slow")),
                "the answer waited for the slow replica");
        gate.countDown();
        eventually(() -> assertEquals("hello world, spooled to a file",
                new String(replicas.get("c").data.getOrDefault(NeedleKey.object("b", "slow"), new byte[0]),
                        StandardCharsets.UTF_8)));
        eventually(() -> {
            try (java.util.stream.Stream<Path> left = java.nio.file.Files.list(spoolDir)) {
                assertEquals(List.of(), left.filter(f -> f.getFileName().toString().startsWith("payload")).toList(),
                        "the spooled payload was not released");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        assertEquals(0, failed.sum());
    }

    /**
     * A node slower than the rest gets at most its slots' worth of calls: a write that finds them
     * taken waits once, then that replica's write goes to the repair queue, and later writes do not
     * wait for it again (they used to pile up until the executor refused work and PUTs failed).
     */
    @Test
    void aSlowNodeHoldsAtMostItsSlotsAndTheWritesBeyondThemAreQueuedForRepair() throws Exception {
        java.util.concurrent.CountDownLatch gate = new java.util.concurrent.CountDownLatch(1);
        replicas.get("c").gate = gate;
        ReplicaSlots slots = new ReplicaSlots(2, Duration.ofMillis(100));
        ReplicatedNeedleStorage s = new ReplicatedNeedleStorage(ring, new ConsistencyLevels(3, 2, 2, 2),
                n -> replicas.get(n.id()), executor, Duration.ofSeconds(5), new PayloadSpool(spoolDir, 16), degraded,
                failed, new RepairQueue(spoolDir.resolve("repair")), slots);
        for (int i = 0; i < 5; i++) {
            int n = i;
            PutResult r = s.put(write("slow" + n, 10 + n), bytes("payload " + n), 9, false);
            assertEquals(10 + n, r.record().hlc());
            eventually(() -> assertTrue(slots.inFlight("c") == Math.min(n + 1, 2)));
        }
        assertEquals(2, slots.inFlight("c"));
        assertEquals(3, slots.shed(), "writes 3 to 5 found node c's two slots taken");
        assertEquals(3, failed.sum());
        assertEquals(3, new RepairQueue(spoolDir.resolve("repair")).depth(), "each shed write is queued for c");
        gate.countDown();
        eventually(() -> assertEquals(0, slots.inFlight("c")));
        eventually(() -> {
            assertTrue(replicas.get("c").records.containsKey(NeedleKey.object("b", "slow0")));
            assertTrue(replicas.get("c").records.containsKey(NeedleKey.object("b", "slow1")));
        });
        assertFalse(replicas.get("c").records.containsKey(NeedleKey.object("b", "slow4")), "shed, left to the repair queue");
        assertEquals(0, slots.inFlight("a"));
        assertEquals(0, slots.inFlight("b"));
    }

    /** An executor that takes no more work makes replicas count as not answering: 503s, never another error. */
    @Test
    void anExecutorThatRefusesWorkMakesRetryableUnavailabilityNotErrors() {
        ExecutorService refusing = Executors.newSingleThreadExecutor();
        refusing.shutdown();
        ReplicaSlots slots = new ReplicaSlots(4, Duration.ofMillis(10));
        ReplicatedNeedleStorage s = new ReplicatedNeedleStorage(ring, new ConsistencyLevels(3, 2, 2, 2),
                n -> replicas.get(n.id()), refusing, Duration.ofSeconds(1), new PayloadSpool(spoolDir, 16), degraded,
                failed, new RepairQueue(spoolDir.resolve("repair")), slots);
        StoreUnavailableException put = assertThrows(StoreUnavailableException.class,
                () -> s.put(write("k", 10), bytes("x"), 1, false));
        assertTrue(put.retryable());
        assertTrue(assertThrows(StoreUnavailableException.class, () -> s.head(NeedleKey.object("b", "k"))).retryable());
        assertTrue(assertThrows(StoreUnavailableException.class,
                () -> s.list(NeedleKind.OBJECT, "b", "", null, 10, false)).retryable());
        for (String node : List.of("a", "b", "c")) {
            assertEquals(0, slots.inFlight(node), "a refused call gave its slot back");
        }
        assertEquals(3, failed.sum());
        try (java.util.stream.Stream<Path> left = java.nio.file.Files.list(spoolDir)) {
            assertEquals(List.of(), left.filter(f -> f.getFileName().toString().startsWith("payload")).toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void twoNodesDownRefusesAWriteOfWTwo() {
        replicas.get("b").down = true;
        replicas.get("c").down = true;
        StoreUnavailableException e = assertThrows(StoreUnavailableException.class,
                () -> storage(2, 2).put(write("k", 10), bytes("x"), 1, false));
        assertTrue(e.retryable());
        assertTrue(e.getMessage().contains("1 of 2"), e.getMessage());
    }

    @Test
    void readsTheNewestAnswerCountsDegradedReadsAndRepairsStaleReplicas() throws Exception {
        // R=3: the stale replica is always among the answers the read waits for (with R=2 it may
        // be the one not waited for, and read repair only repairs replicas that answered).
        ReplicatedNeedleStorage s = storage(2, 3);
        s.put(write("k", 10), bytes("old"), 3, false);
        replicas.get("c").down = true;
        s.put(write("k", 20), bytes("new"), 3, false);
        replicas.get("c").down = false;
        NeedleRecord newest = s.head(NeedleKey.object("b", "k")).orElseThrow();
        assertEquals(20, newest.hlc());
        try (InputStream in = s.open(newest, 0, 3)) {
            assertArrayEquals("new".getBytes(StandardCharsets.UTF_8), in.readAllBytes());
        }
        // Read repair runs in the background: node c catches up.
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (replicas.get("c").records.get(NeedleKey.object("b", "k")).hlc() != 20 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(20, replicas.get("c").records.get(NeedleKey.object("b", "k")).hlc());

        replicas.get("b").down = true;
        replicas.get("c").down = true;
        assertEquals(20, s.head(NeedleKey.object("b", "k")).orElseThrow().hlc(), "one replica still answers");
        assertTrue(degraded.sum() >= 1);
    }

    /** With strict reads, a read that fewer than R replicas answered is refused (503), not served degraded. */
    @Test
    void strictReadsRefuseWhatFewerThanRReplicasAnswered() {
        ReplicatedNeedleStorage s = storage(2, 2).strictReads(true);
        s.put(write("k", 10), bytes("abc"), 3, false);
        assertEquals(10, s.head(NeedleKey.object("b", "k")).orElseThrow().hlc(), "R answers: served");
        replicas.get("b").down = true;
        replicas.get("c").down = true;
        StoreUnavailableException e = assertThrows(StoreUnavailableException.class,
                () -> s.head(NeedleKey.object("b", "k")));
        assertTrue(e.retryable());
        assertEquals(0, degraded.sum(), "a refused read is not a degraded one");
    }

    /**
     * A conditional write's check asks N - W + 1 replicas even when R is 1, and refuses (503) when
     * fewer answer, where a plain read degrades to what one replica says.
     */
    @Test
    void theLatestHeadOfAConditionalWriteOverlapsEveryWriteQuorumOrRefuses() {
        ReplicatedNeedleStorage s = storage(2, 1);
        NeedleKey key = NeedleKey.object("b", "k");
        replicas.get("c").down = true;
        s.put(write("k", 10), bytes("abc"), 3, false);
        replicas.get("c").down = false;
        // c missed the write and answers alone: a plain read at R=1 takes its word, the check refuses.
        replicas.get("a").down = true;
        replicas.get("b").down = true;
        assertTrue(s.head(key).isEmpty(), "a plain read at R=1 takes c's answer alone");
        StoreUnavailableException e = assertThrows(StoreUnavailableException.class, () -> s.headLatest(key));
        assertTrue(e.retryable());
        // N - W + 1 = 2 answers always include a or b, which hold the write.
        replicas.get("b").down = false;
        assertEquals(10, s.headLatest(key).orElseThrow().hlc(), "two of three answered");
    }

    /** A version overwritten between the read's HEAD and its open is reported as gone (retryable), not as an outage. */
    @Test
    void openingAVersionAnOverwriteReplacedSaysItIsGone() {
        ReplicatedNeedleStorage s = storage(3, 2);
        s.put(write("k", 10), bytes("old"), 3, false);
        NeedleRecord resolved = s.head(NeedleKey.object("b", "k")).orElseThrow();
        s.put(write("k", 20), bytes("new"), 3, false);
        io.needlestack.gateway.object.VersionGoneException gone = assertThrows(
                io.needlestack.gateway.object.VersionGoneException.class, () -> s.open(resolved, 0, 3));
        assertTrue(gone.retryable());
        // With every replica down it stays an outage.
        replicas.values().forEach(r -> r.down = true);
        StoreUnavailableException down = assertThrows(StoreUnavailableException.class, () -> s.open(resolved, 0, 3));
        assertFalse(down instanceof io.needlestack.gateway.object.VersionGoneException);
    }

    @Test
    void aReadWhoseReplicaDiesPartWayIsFinishedByAnother() throws IOException {
        ReplicatedNeedleStorage s = storage(3, 2);
        byte[] body = new byte[300_000];
        new java.util.Random(3).nextBytes(body);
        s.put(write("big", 10), new ByteArrayInputStream(body), body.length, false);
        NeedleRecord r = s.head(NeedleKey.object("b", "big")).orElseThrow();
        java.util.concurrent.atomic.AtomicLong once = new java.util.concurrent.atomic.AtomicLong(100_000);
        replicas.values().forEach(x -> x.breakAfter = once);
        try (InputStream in = s.open(r, 0, r.dataLength())) {
            assertArrayEquals(body, in.readAllBytes());
        }
        assertEquals(-1, once.get(), "the first replica did break");
    }

    /**
     * A version every replica still indexed at the read's HEAD but replaced and compacted away by
     * its open is gone too (the GET resolves again), not an outage.
     */
    @Test
    void openingAVersionCompactedAwayAfterItsHeadSaysItIsGone() {
        ReplicatedNeedleStorage s = storage(3, 2);
        s.put(write("k", 10), bytes("old"), 3, false);
        NeedleRecord resolved = s.head(NeedleKey.object("b", "k")).orElseThrow();
        s.put(write("k", 20), bytes("new"), 3, false);
        replicas.values().forEach(r -> r.compactedAway = resolved);
        io.needlestack.gateway.object.VersionGoneException gone = assertThrows(
                io.needlestack.gateway.object.VersionGoneException.class, () -> s.open(resolved, 0, 3));
        assertTrue(gone.retryable());
    }

    @Test
    void listingsMergeDeduplicateAndHideDeletesSeenByOneNode() {
        ReplicatedNeedleStorage s = storage(2, 2);
        for (int i = 0; i < 50; i++) {
            s.put(write(String.format("k%02d", i), 10), bytes("x"), 1, false);
        }
        replicas.get("a").down = true;
        s.put(new NeedleWrite(NeedleKey.object("b", "k07"), 30, "v30", true, Map.of()), InputStream.nullInputStream(),
                0, false);
        replicas.get("a").down = false;
        List<String> names = new ArrayList<>();
        String after = null;
        while (true) {
            List<NeedleRecord> page = s.list(NeedleKind.OBJECT, "b", "", after, 7, false);
            page.forEach(r -> names.add(r.key().name()));
            if (page.size() < 7) {
                break;
            }
            after = page.get(page.size() - 1).key().name();
        }
        assertEquals(49, names.size());
        assertFalse(names.contains("k07"));
        assertEquals(names.stream().sorted().toList(), names);
        assertEquals(names.stream().distinct().count(), names.size());
    }

    @Test
    void listingsOfNamesOnTwoOfThreeNodesWithOneDownReturnEveryNameOnceInUtf8OrderAtAnyPageSize() {
        Ring two = new Ring(1, 2, 32, ring.members());
        ReplicatedNeedleStorage s = new ReplicatedNeedleStorage(two, new ConsistencyLevels(2, 1, 1, 1),
                n -> replicas.get(n.id()), executor, Duration.ofSeconds(5), new PayloadSpool(spoolDir, 16), degraded,
                failed, new RepairQueue(spoolDir.resolve("repair")));
        String[] prefixes = {"a/", "b-", "\u00e9/", "\uff21/", "\ud83d\ude00/", ""};
        List<String> want = new ArrayList<>();
        for (int i = 0; i < 600; i++) {
            String name = prefixes[i % prefixes.length] + (i * 37 % 600);
            want.add(name);
            s.put(write(name, 10 + i), bytes("x"), 1, false);
        }
        want.sort(UTF8);
        for (MemoryReplica r : replicas.values()) {
            assertTrue(r.records.size() < want.size(), "every node holds every name: N=2 placement not exercised");
        }
        replicas.get("b").down = true;
        for (int limit : new int[] {1, 7, 100, 1000}) {
            List<String> names = new ArrayList<>();
            String after = null;
            while (true) {
                List<NeedleRecord> page = s.list(NeedleKind.OBJECT, "b", "", after, limit, false);
                page.forEach(r -> names.add(r.key().name()));
                if (page.size() < limit) {
                    break;
                }
                after = page.get(page.size() - 1).key().name();
            }
            assertEquals(want, names, "page size " + limit);
        }
    }
}
