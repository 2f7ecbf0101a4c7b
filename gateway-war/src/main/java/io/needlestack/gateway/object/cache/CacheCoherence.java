package io.needlestack.gateway.object.cache;

import io.needlestack.core.config.NodeConfig;
import io.needlestack.core.internal.ClusterSecret;
import io.needlestack.core.internal.InternalAuth;
import io.needlestack.gateway.internal.InternalProtocol;
import io.needlestack.gateway.object.HeadPromise;
import io.needlestack.storage.store.NeedleKey;
import io.needlestack.storage.store.NeedleKind;
import io.needlestack.storage.store.NeedleRecord;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Call-back promises between gateways and replicas, so that a gateway can answer a GET of a hot
 * key from its object cache without the quorum HEAD, and still never serve a version older than
 * the last acknowledged write (AFS call-backs, NFSv4 delegations).
 *
 * <ul>
 *   <li>A gateway's HEAD of an object it has looked up {@code needlestack.cache.min.uses} times
 *   (default 2, see {@link Admission}) asks each replica for a promise ({@link HeadPromise}). A
 *   replica registers it <em>before</em> it reads its index and answers whether it did. When
 *   enough replicas promised that every write quorum contains one of them (promises + W > N),
 *   the gateway keeps the answer in its {@link PointerCache}, trusted for the promise time minus a
 *   margin, measured from before it sent the HEAD.</li>
 *   <li>A replica that applied a write of a key takes that key's promises and, before it answers
 *   the write, tells each holder to drop the key ({@code POST /_internal/v1/invalidate}); a holder
 *   it cannot reach within {@link #CALLBACK_DEADLINE} is waited out until its promise has run
 *   out. So a write is acknowledged only once every gateway that could still serve the old
 *   version without asking has dropped it, or can no longer trust it.</li>
 *   <li>A restarted replica has forgotten its promises; promises last {@code L} seconds, so it
 *   answers no write before its JVM has run for {@code L} seconds.</li>
 * </ul>
 *
 * <p>Writes of keys nobody keeps cost nothing extra. {@code needlestack.cache.pointer.seconds}
 * ({@code L}, default 3; 0 switches the scheme off and every GET makes its HEAD again),
 * {@code needlestack.cache.pointer.entries} (keys a gateway keeps, default 16,384: the hot ones; a
 * kept answer holds a record of a few hundred bytes in a heap of 384 MiB). A replica keeps
 * promises for at most 65,536 keys and forgets the ones that ran out every {@code L} seconds.
 */
@ApplicationScoped
public class CacheCoherence {

    private static final Logger LOG = Logger.getLogger(CacheCoherence.class.getName());
    /** How long a replica waits for holders to confirm a drop before it waits their promises out. */
    static final Duration CALLBACK_DEADLINE = Duration.ofSeconds(1);
    /** What a gateway takes off its trust, for the HEAD's travel and clock-rate differences. */
    static final long MARGIN_NANOS = TimeUnit.MILLISECONDS.toNanos(250);
    private static final int MAX_PROMISED_KEYS = 65_536;
    /**
     * Kept answers in 100 that must be used before they run out for keys to keep asking for
     * promises freely ({@link FillThrottle}), when this node answers the HEAD by itself. A hit
     * then saves only a local lookup: on one node under uniform random 4 KiB GETs over 84,000
     * keys, where kept answers served about 15 % of the GETs, the node did 10,568 GETs/s with them
     * and 12,165 without (the memory tier off in both; one run each).
     */
    static final int ALONE_USED_PERCENT = 50;
    /** The same when the HEAD asks other nodes, whose hits save a quorum of calls. */
    static final int QUORUM_USED_PERCENT = 10;

    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();
    private final LongAdder callbacks = new LongAdder();
    private final LongAdder callbackFailures = new LongAdder();
    private boolean on;
    private volatile boolean pastPreviousRun;
    private final AtomicLong lastSweep = new AtomicLong(System.nanoTime());
    private long promiseNanos;
    private HeadPromise self;
    private PromiseBook book;
    private PointerCache pointers;
    private Admission admission;
    /** Kept answers of HEADs this node answered by itself: a hit saves only a local index lookup. */
    private final FillThrottle aloneFills = new FillThrottle(ALONE_USED_PERCENT, null);
    /** Kept answers of HEADs that asked other nodes: a hit saves a quorum of calls. */
    private final FillThrottle quorumFills = new FillThrottle(QUORUM_USED_PERCENT, null);
    private InternalAuth auth;
    private HttpClient http;

    @PostConstruct
    void init() {
        NodeConfig config = NodeConfig.current();
        long seconds = config.getLong("needlestack.cache.pointer.seconds", 3);
        on = seconds > 0 && Boolean.parseBoolean(config.get("needlestack.cache.enabled", "true"));
        promiseNanos = TimeUnit.SECONDS.toNanos(Math.max(1, seconds));
        self = new HeadPromise(config.nodeId(),
                "http://" + InternalProtocol.advertisedHost(config) + ":" + InternalProtocol.port(config));
        book = new PromiseBook(promiseNanos, MAX_PROMISED_KEYS);
        pointers = new PointerCache(config.getLong("needlestack.cache.pointer.entries", 16_384));
        admission = new Admission(CacheSettings.from(config).minUses());
        auth = ClusterSecret.auth(config.dataDirectory());
        http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(CALLBACK_DEADLINE).build();
        LOG.info(() -> on ? "object cache: newest versions kept under call-back promises of " + seconds + " s"
                : "object cache: every GET asks the replicas for the newest version");
    }

    /** Created with the application, so its clock of promises starts with it. */
    void start(@Observes @Initialized(ApplicationScoped.class) Object event) {
        book.keys();
    }

    /** Whether gateways keep promised answers. */
    public boolean on() {
        return on;
    }

    /** What this gateway asks replicas for; null when the scheme is off. */
    public HeadPromise promise() {
        return on ? self : null;
    }

    // ---- gateway side --------------------------------------------------------------------------

    /** The generation a fill of {@code key} must present (read before the HEAD is sent). */
    long generation(NeedleKey key) {
        return pointers.generation(key);
    }

    /**
     * Whether a HEAD of {@code key} that found no kept answer is worth promises, by the key alone:
     * from its {@code needlestack.cache.min.uses}-th lookup on (a key looked up once is not worth
     * the replicas' promises and this gateway's entry). Then ask {@link #mayKeep}.
     */
    boolean worthPromising(NeedleKey key) {
        return admission.admit(key);
    }

    /**
     * Whether an answer may be kept now: while the answers kept lately were used before they ran
     * out ({@link FillThrottle}).
     *
     * @param alone whether this node answers the HEAD by itself
     */
    boolean mayKeep(boolean alone) {
        return (alone ? aloneFills : quorumFills).mayFill();
    }

    /** The kept answer for {@code key} if its promises still hold under placement {@code epoch}. */
    Optional<PointerCache.Entry> trusted(NeedleKey key, long epoch) {
        Optional<PointerCache.Entry> e = pointers.trusted(key, System.nanoTime(), epoch);
        if (e.isEmpty()) {
            misses.increment();
            return e;
        }
        hits.increment();
        (e.get().alone() ? aloneFills : quorumFills).hit(e.get());
        return e;
    }

    /**
     * Keeps a promised HEAD's answer, trusted until the promises run out (less a margin).
     *
     * @param generation what {@link #generation} said before the HEAD was sent
     * @param sentAt     when the HEAD was sent ({@link System#nanoTime()})
     * @param alone      whether this node answered the HEAD by itself
     */
    void keep(NeedleKey key, long generation, Optional<NeedleRecord> newest, long epoch, long sentAt,
              boolean alone) {
        if (pointers.fill(key, generation, newest, sentAt + promiseNanos - MARGIN_NANOS, epoch, alone)) {
            (alone ? aloneFills : quorumFills).filled();
        }
    }

    /** Drops keys this gateway keeps (a replica's call-back, or this gateway's own write). */
    public void drop(List<NeedleKey> keys) {
        for (NeedleKey k : keys) {
            pointers.drop(k);
        }
    }

    // ---- replica side --------------------------------------------------------------------------

    /**
     * Registers a promise to {@code holder} for {@code key}; call before reading the index.
     *
     * @return whether it was given (false when off, not an object, or the book is full)
     */
    public boolean promised(NeedleKey key, HeadPromise holder) {
        if (!on || holder == null || key.kind() != NeedleKind.OBJECT) {
            return false;
        }
        long now = System.nanoTime();
        long last = lastSweep.get();
        if (now - last > promiseNanos && lastSweep.compareAndSet(last, now)) {
            // Promises that ran out are only dead weight: without a write of their key, nobody takes them.
            book.sweep(now);
        }
        return book.promise(key, holder.holderId(), holder.endpoint(), now);
    }

    /**
     * Called by a replica after it applied (or failed to apply) a write of {@code key}, before it
     * answers: tells every holder of a promise to drop the key, and waits out the promises of
     * those that did not confirm.
     */
    public void written(NeedleKey key) {
        if (!on || key.kind() != NeedleKind.OBJECT) {
            return;
        }
        awaitPromisesOfPreviousRun();
        List<PromiseBook.Holder> holders = book.take(key, System.nanoTime());
        if (holders.isEmpty()) {
            return;
        }
        record Call(PromiseBook.Holder holder, CompletableFuture<HttpResponse<Void>> answer) {
        }
        List<Call> calls = new ArrayList<>(holders.size());
        List<PromiseBook.Holder> unconfirmed = new ArrayList<>();
        for (PromiseBook.Holder h : holders) {
            if (h.id().equals(self.holderId())) {
                pointers.drop(key);
                continue;
            }
            callbacks.increment();
            try {
                String target = InternalProtocol.invalidationTarget(List.of(key));
                HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(h.endpoint() + target))
                        .timeout(CALLBACK_DEADLINE).POST(HttpRequest.BodyPublishers.noBody());
                auth.sign("POST", target).forEach(b::header);
                calls.add(new Call(h, http.sendAsync(b.build(), HttpResponse.BodyHandlers.discarding())));
            } catch (RuntimeException e) {
                unconfirmed.add(h);
            }
        }
        long until = System.nanoTime() + CALLBACK_DEADLINE.toNanos();
        for (Call c : calls) {
            try {
                HttpResponse<Void> r = c.answer().get(Math.max(0, until - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (r.statusCode() != 200) {
                    unconfirmed.add(c.holder());
                }
            } catch (TimeoutException | ExecutionException e) {
                c.answer().cancel(true);
                unconfirmed.add(c.holder());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                unconfirmed.add(c.holder());
            }
        }
        if (!unconfirmed.isEmpty()) {
            callbackFailures.add(unconfirmed.size());
            long last = unconfirmed.stream().mapToLong(PromiseBook.Holder::expiresAt).max().orElseThrow();
            LOG.log(Level.WARNING, () -> "gateways " + unconfirmed.stream().map(PromiseBook.Holder::id).toList()
                    + " did not confirm dropping " + key.bucket() + "/" + key.name() + ": the write waits until their"
                    + " promises have run out (at most " + TimeUnit.NANOSECONDS.toMillis(promiseNanos) + " ms)");
            sleepUntil(last);
        }
    }

    /** Promises given before a restart are not known here; they run out {@code L} after the JVM started. */
    private void awaitPromisesOfPreviousRun() {
        if (pastPreviousRun) {
            return;
        }
        long uptime = TimeUnit.MILLISECONDS.toNanos(ManagementFactory.getRuntimeMXBean().getUptime());
        if (uptime < promiseNanos) {
            sleepUntil(System.nanoTime() + promiseNanos - uptime);
        }
        pastPreviousRun = true;
    }

    private static void sleepUntil(long deadline) {
        // A write must not be answered before the promises ran out, interrupted or not.
        boolean interrupted = false;
        long left;
        while ((left = deadline - System.nanoTime()) > 0) {
            LockSupport.parkNanos(left);
            interrupted |= Thread.interrupted();
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** GETs answered from kept versions, without a HEAD, since start. */
    public long pointerHits() {
        return hits.sum();
    }

    /** GETs that had to ask the replicas, since start. */
    public long pointerMisses() {
        return misses.sum();
    }

    /** HEADs that asked for no promise because the answers kept lately were seldom used, since start. */
    public long promisesSkipped() {
        return aloneFills.skipped() + quorumFills.skipped();
    }

    /** Call-backs sent to other gateways since start. */
    public long callbacks() {
        return callbacks.sum();
    }

    /** Call-backs not confirmed in time (their promises were waited out) since start. */
    public long callbackFailures() {
        return callbackFailures.sum();
    }
}
