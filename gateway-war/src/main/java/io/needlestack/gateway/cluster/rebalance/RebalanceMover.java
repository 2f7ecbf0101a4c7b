package io.needlestack.gateway.cluster.rebalance;

import io.needlestack.core.config.NodeConfig;
import io.needlestack.core.internal.ClusterSecret;
import io.needlestack.core.internal.InternalAuth;
import io.needlestack.core.platform.PlatformServices;
import io.needlestack.core.ring.RebalanceProgress;
import io.needlestack.core.ring.RingNode;
import io.needlestack.gateway.cluster.RingView;
import io.needlestack.gateway.internal.InternalHttp;
import io.needlestack.gateway.internal.InternalNeedleClient;
import io.needlestack.gateway.object.LocalNeedleStorage;
import io.needlestack.gateway.object.NeedleStorage;
import io.needlestack.storage.store.NeedleKey;
import io.needlestack.storage.store.NeedleRecord;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The background mover of a storage node. While the node's {@link RingView} shows a rebalance
 * ({@link Transition}), it walks its own store in passes ({@link MovePass}), throttled, until a
 * whole pass finds nothing left to copy or release; then it reports itself done for that ring
 * version. Its progress is published after every page in Hazelcast map
 * {@link RebalanceProgress#MAP} under the node id.
 *
 * <p>Nothing is kept across a restart but the rings (the {@link RingView} keeps both in the data
 * directory): a node restarted mid-rebalance starts a new pass, which skips what was already
 * copied (targets are asked first) and what was already released (no longer stored).
 *
 * <p>Settings: {@code needlestack.rebalance.bytes-per-second} (default 67108864, 64 MiB/s; 0 =
 * unlimited), {@code needlestack.rebalance.ops-per-second} (remote calls, HEADs and copies;
 * default 2000; 0 = unlimited), {@code needlestack.rebalance.page} (versions per scan page,
 * default 256), {@code needlestack.rebalance.parallelism} (versions moved at once, default 4),
 * {@code needlestack.rebalance.interval.ms} (how often an idle mover looks for a rebalance,
 * default 2000).
 */
@ApplicationScoped
public class RebalanceMover {

    private static final Logger LOG = Logger.getLogger(RebalanceMover.class.getName());
    private static final long PUBLISH_NANOS = 500_000_000L;

    @Inject
    LocalNeedleStorage local;
    @Inject
    RingView view;
    /** The mover has its own thread: a pass may take minutes, and must not hold a shared scheduler's thread. */
    @Resource
    ManagedThreadFactory threads;

    private final PlatformServices platform = new PlatformServices();
    private final Map<String, InternalNeedleClient> clients = new ConcurrentHashMap<>();
    private String selfId;
    private InternalAuth auth;
    private InternalHttp http;
    private Duration timeout;
    private Throttle throttle;
    private int page;
    private Thread thread;
    private ExecutorService workers;
    private long interval;
    private volatile boolean stopping;
    private volatile RebalanceProgress progress;
    private long publishedAt;

    void start(@Observes @Initialized(ApplicationScoped.class) Object event) {
        NodeConfig config = NodeConfig.current();
        if (!config.roles().contains(NodeConfig.Role.STORAGE)) {
            return;
        }
        selfId = config.nodeId();
        auth = ClusterSecret.auth(config.dataDirectory());
        http = InternalNeedleClient.httpClient(Duration.ofSeconds(2));
        timeout = Duration.ofMillis(config.getLong("needlestack.replica.timeout.ms", 8_000));
        throttle = Throttle.of(config.getLong("needlestack.rebalance.ops-per-second", 2000),
                config.getLong("needlestack.rebalance.bytes-per-second", 64L << 20));
        page = Math.max(1, config.getInt("needlestack.rebalance.page", 256));
        interval = Math.max(100, config.getLong("needlestack.rebalance.interval.ms", 2000));
        int parallelism = Math.max(1, config.getInt("needlestack.rebalance.parallelism", 4));
        workers = parallelism == 1 ? null : Executors.newFixedThreadPool(parallelism, threads);
        thread = threads.newThread(this::loop);
        thread.setName("needlestack-rebalance-mover");
        thread.setDaemon(true);
        thread.start();
    }

    @PreDestroy
    void stop() {
        stopping = true;
        if (workers != null) {
            workers.shutdownNow();
        }
        if (thread != null) {
            thread.interrupt();
            try {
                thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (http != null) {
            http.close();
        }
    }

    private void loop() {
        while (!stopping) {
            try {
                Thread.sleep(interval);
            } catch (InterruptedException e) {
                return;
            }
            tick();
        }
    }

    /** This node's progress on the rebalance it works on or finished last, if any. */
    public Optional<RebalanceProgress> progress() {
        return Optional.ofNullable(progress);
    }

    private void tick() {
        try {
            Optional<Transition> t = view.transition();
            if (t.isEmpty()) {
                return;
            }
            Transition transition = t.get();
            long version = transition.next().version();
            RebalanceProgress p = progress;
            if (p != null && p.ringVersion() == version && p.done()) {
                // Keep the report there (a manager that restarted reads it again).
                publish(p, true);
                return;
            }
            if (p == null || p.ringVersion() != version) {
                p = RebalanceProgress.starting(selfId, version, Instant.now());
                LOG.info(() -> "rebalance to ring v" + version + " started on this node (" + transition + ", "
                        + transition.plan() + ")");
            }
            runPass(transition, p);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopping = true;
        } catch (RuntimeException e) {
            // Typically the store still starting after a restart: one line, the trace only at FINE.
            LOG.warning("rebalance pass failed, retried at the next tick: " + e);
            LOG.log(Level.FINE, "rebalance pass failure", e);
        }
    }

    private void runPass(Transition transition, RebalanceProgress before) throws InterruptedException {
        MovePass.Counts counts = new MovePass.Counts();
        MovePass pass = new MovePass(selfId, transition, holdings(), this::node, throttle, page, workers);
        long version = transition.next().version();
        boolean complete = pass.run(counts,
                () -> !stopping && view.transition().map(x -> x.next().version() == version).orElse(false),
                () -> {
                    RebalanceProgress now = report(before, counts, false, false);
                    progress = now;
                    publish(now, false);
                });
        boolean done = complete && counts.moved() == 0;
        RebalanceProgress after = report(before, counts, true, done);
        progress = after;
        publish(after, true);
        if (complete) {
            LOG.info(() -> "rebalance to ring v" + version + " pass " + after.passes() + ": " + counts
                    + (done ? " -- done" : " -- another pass follows"));
        }
    }

    /** Totals so far: copies and releases add up over passes, scanned/pending/failed are the pass's own. */
    private RebalanceProgress report(RebalanceProgress before, MovePass.Counts c, boolean passEnded, boolean done) {
        return new RebalanceProgress(selfId, before.ringVersion(), c.scanned, before.copied() + c.copied,
                before.bytes() + c.bytes, before.released() + c.released, c.pending, c.failed,
                before.passes() + (passEnded ? 1 : 0), done, before.startedAt(), Instant.now());
    }

    private void publish(RebalanceProgress p, boolean force) {
        long now = System.nanoTime();
        if (!force && now - publishedAt < PUBLISH_NANOS) {
            return;
        }
        publishedAt = now;
        try {
            platform.hazelcast().ifPresent(hz -> hz.<String, String>getMap(RebalanceProgress.MAP).put(p.nodeId(), p.toJson()));
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "could not publish rebalance progress", e);
        }
    }

    private MovePass.Holdings holdings() {
        return new MovePass.Holdings() {
            @Override
            public List<NeedleRecord> scan(NeedleRecord after, int limit) {
                return local.scan(after, limit);
            }

            @Override
            public boolean drop(NeedleKey key, long hlc, String versionId) {
                return local.drop(key, hlc, versionId);
            }

            @Override
            public InputStream open(NeedleRecord record) {
                return local.open(record, 0, record.dataLength());
            }
        };
    }

    private NeedleStorage node(RingNode node) {
        if (node.id().equals(selfId)) {
            return local;
        }
        return clients.computeIfAbsent(node.endpoint(), e -> new InternalNeedleClient(URI.create(e), auth, http, timeout));
    }
}
