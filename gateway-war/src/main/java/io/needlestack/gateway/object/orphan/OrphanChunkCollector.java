package io.needlestack.gateway.object.orphan;

import io.needlestack.core.clock.HybridLogicalClock;
import io.needlestack.core.config.NodeConfig;
import io.needlestack.core.ring.Ring;
import io.needlestack.core.ring.RingNode;
import io.needlestack.gateway.cluster.RingView;
import io.needlestack.gateway.cluster.tombstone.PurgeRules;
import io.needlestack.gateway.internal.InternalClients;
import io.needlestack.gateway.node.PeriodicPass;
import io.needlestack.gateway.object.LocalNeedleStorage;
import io.needlestack.gateway.object.Manifest;
import io.needlestack.gateway.object.ObjectAttributes;
import io.needlestack.gateway.object.ObjectStore;
import io.needlestack.storage.store.NeedleKey;
import io.needlestack.storage.store.NeedleKind;
import io.needlestack.storage.store.NeedleRecord;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The background pass of a storage node that collects orphaned chunks. A chunk is normally
 * collected by the write that stops needing it (an overwrite or delete of a large object, after
 * {@code needlestack.chunk.collect.delay.seconds}; an aborted upload or replaced part at once). That
 * collection lives in memory: a node that restarts during the delay, or dies between a large PUT's
 * chunks and its manifest, leaves chunks that nothing lists and nothing would ever delete.
 *
 * <p>Every {@code needlestack.chunk.orphan.interval.seconds} (default 3600; 0 switches the pass off)
 * the node walks its own store ({@link LocalNeedleStorage#scan}) and judges each live chunk whose
 * first replica it is (no ring: every chunk): older than {@code needlestack.chunk.orphan.grace.seconds}
 * (default 86400), it looks up the manifests its name points at ({@link ChunkReferences}) on
 * <em>every</em> replica of each; a chunk no replica references is marked, and collected (a
 * tombstone written to its replicas, as the regular collection does) by a later pass that finds it
 * unreferenced at least the collection delay after the first sighting ({@link OrphanLedger}). A
 * chunk whose lookups any replica did not answer is left alone, and no pass runs during a
 * rebalance (data is between owners then).
 */
@ApplicationScoped
public class OrphanChunkCollector {

    /** Interval between passes (seconds); 0 switches the collector off. */
    public static final String INTERVAL_PROPERTY = "needlestack.chunk.orphan.interval.seconds";
    /** How old a chunk must be before it is judged (seconds). */
    public static final String GRACE_PROPERTY = "needlestack.chunk.orphan.grace.seconds";
    /** A day: a single PUT of 5 GiB at 60 KB/s still writes its manifest within it. */
    public static final long DEFAULT_GRACE_SECONDS = 24L * 3600;

    private static final Logger LOG = Logger.getLogger(OrphanChunkCollector.class.getName());
    private static final int PAGE = 1000;
    private static final int MARKS = 100_000;
    /** Lookups remembered within one pass: the chunks of one version lie next to each other in the index. */
    private static final int VERDICTS = 4096;

    @Inject
    LocalNeedleStorage local;
    @Inject
    RingView view;
    @Inject
    ObjectStore objects;
    @Resource
    ManagedScheduledExecutorService scheduler;

    private final LongAdder collected = new LongAdder();
    private final LongAdder collectedBytes = new LongAdder();
    private String selfId;
    private OrphanLedger ledger;
    private InternalClients clients;
    private final PeriodicPass<PassReport> passes = new PeriodicPass<>(LOG, "orphaned chunks", this::pass,
            r -> r.collected() > 0 || r.undecided() > 0 || r.skipped() != null);

    /**
     * What one pass did.
     *
     * @param scanned    versions walked
     * @param judged     chunks old enough and this node's to judge
     * @param waiting    unreferenced chunks waiting for a later pass
     * @param collected  chunks collected by this pass
     * @param undecided  chunks left alone because a replica did not answer a lookup
     * @param skipped    why the pass did not run, or null
     * @param millis     how long the pass took
     */
    public record PassReport(long scanned, long judged, long waiting, long collected, long undecided, String skipped,
                             long millis) {
    }

    @PostConstruct
    void init() {
        NodeConfig config = NodeConfig.current();
        selfId = config.nodeId();
        long interval = config.getLong(INTERVAL_PROPERTY, 3600);
        Duration grace = Duration.ofSeconds(Math.max(0, config.getLong(GRACE_PROPERTY, DEFAULT_GRACE_SECONDS)));
        // The regular collection's delay: what a GET that began before an overwrite is given.
        Duration settle = Duration.ofSeconds(Math.max(0, config.getLong(ObjectStore.COLLECT_DELAY_PROPERTY, 300)));
        ledger = new OrphanLedger(grace, settle, MARKS);
        clients = new InternalClients(config);
        if (config.roles().contains(NodeConfig.Role.STORAGE) && interval > 0) {
            passes.schedule(scheduler, interval);
        }
    }

    /** Started with the application, so passes run without waiting for traffic. */
    void start(@Observes @Initialized(ApplicationScoped.class) Object event) {
        // Touching the bean runs @PostConstruct.
        collected.sum();
    }

    @PreDestroy
    void stop() {
        passes.cancel();
        if (clients != null) {
            clients.close();
        }
    }

    /** Orphaned chunks this node collected since start. */
    public long collectedChunks() {
        return collected.sum();
    }

    /** Data bytes of the orphaned chunks this node collected since start. */
    public long collectedBytes() {
        return collectedBytes.sum();
    }

    /** The last pass's report, if one ran. */
    public Optional<PassReport> lastPass() {
        return passes.last();
    }

    /** One pass over this node's store. */
    PassReport pass() {
        Optional<Ring> ring = view.ring();
        if (ring.isPresent() && view.transition().isPresent()) {
            return new PassReport(0, 0, 0, 0, 0, "rebalance under way", 0);
        }
        long started = System.nanoTime();
        Lookups lookups = new Lookups(ring.orElse(null));
        long scanned = 0;
        long judged = 0;
        long waiting = 0;
        long undecided = 0;
        long done = 0;
        ledger.startPass();
        NeedleKey previous = null;
        NeedleRecord after = null;
        while (true) {
            List<NeedleRecord> page = local.scan(after, PAGE);
            for (NeedleRecord r : page) {
                scanned++;
                boolean newest = !r.key().equals(previous);
                previous = r.key();
                // Versions of a key come newest first: only the newest says whether the chunk lives here.
                if (!newest || r.key().kind() != NeedleKind.CHUNK || r.tombstone() || !mine(ring, r.key())) {
                    continue;
                }
                long now = System.currentTimeMillis();
                if (!ledger.oldEnough(HybridLogicalClock.millis(r.hlc()), now)) {
                    continue;
                }
                judged++;
                Boolean referenced = lookups.referenced(r.key());
                if (referenced == null) {
                    undecided++;
                } else if (!referenced) {
                    if (ledger.unreferenced(r.key(), now) == OrphanLedger.Verdict.COLLECT) {
                        objects.deleteChunks(r.key().bucket(), List.of(new Manifest.Chunk(r.key().name(), r.dataLength())));
                        collected.increment();
                        collectedBytes.add(r.dataLength());
                        done++;
                        LOG.fine(() -> "collected orphaned chunk " + r.key());
                    } else {
                        waiting++;
                    }
                }
            }
            if (page.size() < PAGE) {
                break;
            }
            after = page.get(page.size() - 1);
        }
        ledger.endPass();
        return new PassReport(scanned, judged, waiting, done, undecided, null,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    }

    /** The chunk's first replica collects it (no ring: this node holds everything). */
    private boolean mine(Optional<Ring> ring, NeedleKey chunk) {
        if (ring.isEmpty()) {
            return true;
        }
        List<RingNode> replicas = ring.get().replicas(chunk.bucket(), PurgeRules.placementName(chunk));
        return !replicas.isEmpty() && replicas.get(0).id().equals(selfId);
    }

    /** Reference lookups of one pass, asking every replica of each manifest and remembering answers. */
    private final class Lookups {
        private final Ring ring;
        private final Map<Object, Boolean> verdicts = new LinkedHashMap<>(256, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Object, Boolean> eldest) {
                return size() > VERDICTS;
            }
        };
        private final Map<NeedleKey, List<NeedleRecord>> newest = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<NeedleKey, List<NeedleRecord>> eldest) {
                return size() > 256;
            }
        };
        private final Map<String, Set<String>> manifests = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Set<String>> eldest) {
                return size() > 64;
            }
        };

        Lookups(Ring ring) {
            this.ring = ring;
        }

        /** Whether any reading of the chunk's name finds it referenced; null when a replica did not answer. */
        Boolean referenced(NeedleKey chunk) {
            List<ChunkReferences.Reference> refs = ChunkReferences.of(chunk);
            if (refs.isEmpty()) {
                // A name the object layer does not write: not ours to judge.
                return null;
            }
            boolean unknown = false;
            for (ChunkReferences.Reference ref : refs) {
                try {
                    boolean yes;
                    if (ref instanceof ChunkReferences.Version v) {
                        yes = remembered(v, () -> anyReplica(v.owner(), n -> n.head(v.owner(), v.versionId()),
                                r -> !r.tombstone()));
                    } else {
                        yes = false;
                        for (NeedleRecord newest : newest(((ChunkReferences.NewestManifest) ref).object())) {
                            yes |= lists(newest, chunk.name());
                        }
                    }
                    if (yes) {
                        return true;
                    }
                } catch (RuntimeException e) {
                    LOG.log(Level.FINE, "reference lookup for " + chunk + " failed", e);
                    unknown = true;
                }
            }
            return unknown ? null : false;
        }

        private boolean remembered(Object question, java.util.function.BooleanSupplier ask) {
            Boolean known = verdicts.get(question);
            if (known == null) {
                known = ask.getAsBoolean();
                verdicts.put(question, known);
            }
            return known;
        }

        /** Whether any replica of {@code key} answers a record that {@code test} accepts; throws when one does not answer. */
        private boolean anyReplica(NeedleKey key, Function<ReplicaReader, Optional<NeedleRecord>> ask,
                                   java.util.function.Predicate<NeedleRecord> test) {
            return answers(key, ask).stream().anyMatch(test);
        }

        /**
         * The newest version of an object on each of its replicas (a stale replica's older manifest
         * counts too: it keeps its chunks until read repair has replaced it). Only the newest: while
         * objects have one version each (no bucket versioning yet) no older manifest exists; with
         * versioning this must ask for every version of the key.
         */
        private List<NeedleRecord> newest(NeedleKey object) {
            List<NeedleRecord> known = newest.get(object);
            if (known == null) {
                known = answers(object, n -> n.head(object));
                newest.put(object, known);
            }
            return known;
        }

        /** What every replica of {@code key} answers; throws when one does not answer. */
        private List<NeedleRecord> answers(NeedleKey key, Function<ReplicaReader, Optional<NeedleRecord>> ask) {
            if (ring == null) {
                return ask.apply(new ReplicaReader(null)).stream().toList();
            }
            List<NeedleRecord> out = new java.util.ArrayList<>(3);
            for (RingNode n : ring.replicas(key.bucket(), PurgeRules.placementName(key))) {
                // Every replica must answer: one that is down may hold the only copy of the manifest.
                ask.apply(new ReplicaReader(n.id().equals(selfId) ? null : n)).ifPresent(out::add);
            }
            return out;
        }

        /** Whether {@code object} is a manifest that lists the chunk. */
        private boolean lists(NeedleRecord object, String chunkName) {
            if (object.tombstone() || !"1".equals(object.metadata().get(ObjectAttributes.MANIFEST))) {
                return false;
            }
            String id = object.key() + "\n" + object.hlc() + "\n" + object.versionId();
            Set<String> names = manifests.get(id);
            if (names == null) {
                names = new HashSet<>();
                for (Manifest.Chunk c : objects.readManifest(object).chunks()) {
                    names.add(c.name());
                }
                manifests.put(id, names);
            }
            return names.contains(chunkName);
        }
    }

    /** One replica's store: this node's own, or another's over the internal plane. */
    private final class ReplicaReader {
        private final RingNode remote;

        ReplicaReader(RingNode remote) {
            this.remote = remote;
        }

        Optional<NeedleRecord> head(NeedleKey key) {
            return remote == null ? local.head(key) : clients.of(remote).head(key);
        }

        Optional<NeedleRecord> head(NeedleKey key, String versionId) {
            return remote == null ? local.head(key, versionId) : clients.of(remote).head(key, versionId);
        }
    }
}
