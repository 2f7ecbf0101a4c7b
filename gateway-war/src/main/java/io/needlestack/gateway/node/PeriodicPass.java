package io.needlestack.gateway.node;

import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import java.util.Optional;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A background pass a node runs at a fixed delay (tombstone purge, orphaned chunks): never two at
 * once, the last report kept, a report worth it logged, a failure logged and the next pass left
 * to try again. Held by the bean that owns the pass rather than inherited, so the bean's CDI
 * life-cycle methods stay its own on every server.
 *
 * @param <R> the pass's report
 */
public final class PeriodicPass<R> {

    private final Logger log;
    private final String name;
    private final Supplier<R> pass;
    private final Predicate<R> worthLogging;
    private final AtomicBoolean running = new AtomicBoolean();
    private volatile R last;
    private ScheduledFuture<?> task;

    /**
     * @param log          the owner's logger
     * @param name         what the log lines start with
     * @param pass         one pass, returning its report
     * @param worthLogging which reports are logged (at INFO)
     */
    public PeriodicPass(Logger log, String name, Supplier<R> pass, Predicate<R> worthLogging) {
        this.log = log;
        this.name = name;
        this.pass = pass;
        this.worthLogging = worthLogging;
    }

    /** Runs the pass every {@code intervalSeconds}, the first after one interval; nothing without a scheduler. */
    public void schedule(ManagedScheduledExecutorService scheduler, long intervalSeconds) {
        if (scheduler != null) {
            task = scheduler.scheduleWithFixedDelay(this::run, intervalSeconds, intervalSeconds, TimeUnit.SECONDS);
        }
    }

    /** Stops scheduling passes (a running one finishes). */
    public void cancel() {
        if (task != null) {
            task.cancel(false);
        }
    }

    /** The last pass's report, if one ran. */
    public Optional<R> last() {
        return Optional.ofNullable(last);
    }

    private void run() {
        if (!running.compareAndSet(false, true)) {
            return;
        }
        try {
            R report = pass.get();
            last = report;
            if (worthLogging.test(report)) {
                log.info(name + ": " + report);
            }
        } catch (RuntimeException e) {
            log.log(Level.WARNING, name + " pass failed", e);
        } finally {
            running.set(false);
        }
    }
}
