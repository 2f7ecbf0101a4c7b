package io.needlestack.gateway.node;

import io.needlestack.storage.service.StorageService;
import io.needlestack.storage.store.CompactionStatus;
import io.needlestack.storage.store.ScrubStatus;
import io.needlestack.storage.store.StoreStats;
import io.needlestack.gateway.cluster.RoutedNeedleStorage;
import io.needlestack.gateway.cluster.tombstone.TombstonePurger;
import io.needlestack.gateway.object.BodyBuffers;
import io.needlestack.gateway.object.cache.CacheCoherence;
import io.needlestack.gateway.object.orphan.OrphanChunkCollector;
import io.needlestack.gateway.object.cache.GatewayCache;
import io.needlestack.gateway.object.cache.TierStats;
import jakarta.ejb.EJB;
import jakarta.inject.Inject;
import jakarta.enterprise.context.RequestScoped;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import java.lang.management.ManagementFactory;

/** Prometheus text exposition of the node's counters at {@code /_metrics}. */
@Path("_metrics")
@RequestScoped
public class MetricsEndpoint {

    @EJB
    private StorageService storage;
    @Inject
    RoutedNeedleStorage routed;
    @Inject
    TombstonePurger purger;
    @Inject
    OrphanChunkCollector orphans;
    @Inject
    GatewayCache cache;
    @Inject
    CacheCoherence coherence;

    /** The counters. */
    @GET
    @Produces("text/plain; version=0.0.4")
    public String metrics() {
        StringBuilder b = new StringBuilder(1024);
        StoreStats s = storage.stats();
        gauge(b, "needlestack_store_puts_total", "counter", "Needles appended since start.", s.puts());
        gauge(b, "needlestack_store_fsyncs_total", "counter", "fsync calls of the group-commit writers since start.", s.fsyncs());
        gauge(b, "needlestack_store_written_bytes_total", "counter", "Bytes appended to containers since start.", s.bytesWritten());
        gauge(b, "needlestack_store_containers", "gauge", "Container files.", s.containers());
        gauge(b, "needlestack_store_bytes", "gauge", "Bytes in container files.", s.liveBytes());
        gauge(b, "needlestack_store_free_bytes", "gauge", "Usable bytes left on the data file system.", s.freeBytes());
        gauge(b, "needlestack_store_writable", "gauge", "1 while the store accepts writes.", s.writable() ? 1 : 0);
        CompactionStatus c = storage.compactionStatus();
        gauge(b, "needlestack_compaction_state", "gauge", "Compaction: 0 idle, 1 running, 2 suspended.",
                switch (c.state()) {
                    case "running" -> 1;
                    case "suspended" -> 2;
                    default -> 0;
                });
        gauge(b, "needlestack_compaction_reclaimed_bytes", "gauge",
                "Container bytes the current or last compaction gave back so far.", c.bytesBefore() - c.bytesAfter());
        gauge(b, "needlestack_compaction_corrupt_skipped", "gauge",
                "Regions the current or last compaction found corrupt and skipped (see the log).", c.corruptSkipped());
        ScrubStatus sc = storage.scrubStatus();
        gauge(b, "needlestack_scrub_running", "gauge", "1 while a scrub runs.", "running".equals(sc.state()) ? 1 : 0);
        gauge(b, "needlestack_scrub_verified_bytes", "gauge", "Needle bytes the current or last scrub verified.",
                sc.bytesVerified());
        gauge(b, "needlestack_scrub_last_done_timestamp_seconds", "gauge",
                "When the last complete scrub ended (epoch seconds; 0: never).", sc.lastDoneMillis() / 1000);
        gauge(b, "needlestack_damaged_versions", "gauge",
                "Versions found damaged on this node (by a read, a scrub or a compaction) and waiting for a repair.",
                sc.damagedNow());
        gauge(b, "needlestack_damaged_repaired_total", "counter",
                "Damaged versions replaced by a verified copy from a replica since start.", sc.repaired());
        gauge(b, "needlestack_degraded_reads_total", "counter", "Reads answered by fewer than R replicas.",
                routed.degradedReads());
        gauge(b, "needlestack_failed_replica_writes_total", "counter", "Replica writes that failed (to be repaired).",
                routed.failedReplicaWrites());
        gauge(b, "needlestack_shed_replica_calls_total", "counter",
                "Replica calls not made because the node had needlestack.replica.inflight calls in flight already"
                + " (writes among them go to the repair queue).", routed.shedReplicaCalls());
        gauge(b, "needlestack_repair_queue_depth", "gauge", "Replica writes waiting in this node's repair queue.",
                routed.repairQueueDepth());
        gauge(b, "needlestack_tombstones_purged_total", "counter",
                "Tombstones dropped from this node's store after their grace period, once every replica held them.",
                purger.purgedTombstones());
        gauge(b, "needlestack_orphan_chunks_collected_total", "counter",
                "Orphaned chunks (listed by no manifest) this node collected since start.", orphans.collectedChunks());
        gauge(b, "needlestack_orphan_chunk_bytes_collected_total", "counter",
                "Data bytes of the orphaned chunks this node collected since start.", orphans.collectedBytes());
        gauge(b, "needlestack_orphan_chunks_waiting", "gauge",
                "Unreferenced chunks the last orphan pass saw, waiting for a later pass to collect them.",
                orphans.lastPass().map(OrphanChunkCollector.PassReport::waiting).orElse(0L));
        cacheMetrics(b);
        gauge(b, "needlestack_copy_gate_takeovers_total", "counter",
                "Permits of the GET body copy gate taken over from copies that held them past their lease"
                + " (stalled readers or disks).", BodyBuffers.copyGateTakeovers());
        gauge(b, "needlestack_copy_gate_ungated_total", "counter",
                "GET body copies that ran without a permit after waiting a whole lease.",
                BodyBuffers.copyGateUngated());
        Runtime rt = Runtime.getRuntime();
        gauge(b, "needlestack_jvm_heap_used_bytes", "gauge", "Heap in use.", rt.totalMemory() - rt.freeMemory());
        gauge(b, "needlestack_jvm_heap_max_bytes", "gauge", "Maximum heap.", rt.maxMemory());
        gauge(b, "needlestack_uptime_seconds", "gauge", "Seconds since the JVM started.",
                ManagementFactory.getRuntimeMXBean().getUptime() / 1000);
        return b.toString();
    }

    /** The object cache's counters, one series per tier. */
    private void cacheMetrics(StringBuilder b) {
        java.util.List<TierStats> tiers = cache.stats();
        labelled(b, "needlestack_cache_hits_total", "counter", "GETs served from the object cache.", tiers,
                TierStats::hits);
        labelled(b, "needlestack_cache_misses_total", "counter", "Cacheable reads the cache did not hold.", tiers,
                TierStats::misses);
        labelled(b, "needlestack_cache_evictions_total", "counter", "Entries evicted to stay within the bound.",
                tiers, TierStats::evictions);
        labelled(b, "needlestack_cache_bytes", "gauge", "Bytes held by the object cache.", tiers, TierStats::bytes);
        labelled(b, "needlestack_cache_entries", "gauge", "Entries held by the object cache.", tiers,
                TierStats::entries);
        labelled(b, "needlestack_cache_fills_skipped_total", "counter",
                "Reads that could have filled the cache and did not: its recent fills were seldom read again.",
                tiers, TierStats::skipped);
        gauge(b, "needlestack_cache_pointer_hits_total", "counter",
                "Object reads whose newest version came from an answer kept under call-back promises (no HEAD).",
                coherence.pointerHits());
        gauge(b, "needlestack_cache_pointer_misses_total", "counter",
                "Object reads that asked the replicas for the newest version.", coherence.pointerMisses());
        gauge(b, "needlestack_cache_pointer_promises_skipped_total", "counter",
                "HEADs that asked for no promise: the answers kept lately were seldom used before they ran out.",
                coherence.promisesSkipped());
        gauge(b, "needlestack_cache_callbacks_total", "counter",
                "Call-backs this node, as a replica, sent to other gateways after a write of a key they kept.",
                coherence.callbacks());
        gauge(b, "needlestack_cache_callback_failures_total", "counter",
                "Call-backs not confirmed within 1 s; the write waited until the gateway's promise ran out.",
                coherence.callbackFailures());
    }

    private static void labelled(StringBuilder b, String name, String type, String help,
                                 java.util.List<TierStats> tiers, java.util.function.ToLongFunction<TierStats> value) {
        b.append("# HELP ").append(name).append(' ').append(help).append('\n');
        b.append("# TYPE ").append(name).append(' ').append(type).append('\n');
        for (TierStats t : tiers) {
            b.append(name).append("{tier=\"").append(t.tier()).append("\"} ").append(value.applyAsLong(t)).append('\n');
        }
    }

    private static void gauge(StringBuilder b, String name, String type, String help, long value) {
        b.append("# HELP ").append(name).append(' ').append(help).append('\n');
        b.append("# TYPE ").append(name).append(' ').append(type).append('\n');
        b.append(name).append(' ').append(value).append('\n');
    }
}
