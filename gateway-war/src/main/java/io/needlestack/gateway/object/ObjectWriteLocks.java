package io.needlestack.gateway.object;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import io.needlestack.gateway.s3.error.S3ErrorCode;
import io.needlestack.gateway.s3.error.S3Exception;
import io.needlestack.storage.store.StoreUnavailableException;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * One lock per object key for conditional writes, held from the check of the condition to the
 * write that makes the new version current. Several gateways write a key, so in a cluster the
 * lock is Hazelcast's lock of a key of one map ({@value #MAP}): it lives on the key's partition
 * owner, and Hazelcast releases the locks of a member that leaves the cluster; a lease bounds any
 * other way of losing its holder. Without Hazelcast (one node on a server that has none) this
 * node's gateway is the only one, and a local lock per key stripe does.
 *
 * <p>Only conditional writes take it: an unconditional PUT simply replaces whatever is there, as
 * on S3. A writer that cannot have the lock within the wait gets S3's answer to a concurrent
 * conditional write, {@code 409 ConditionalRequestConflict}, and retries.
 */
final class ObjectWriteLocks {

    /** Hazelcast map whose keys are locked; it holds no entries. */
    static final String MAP = "needlestack.object.write-locks";

    private static final int STRIPES = 1024;
    private static final Logger LOG = Logger.getLogger(ObjectWriteLocks.class.getName());

    private final Supplier<Optional<HazelcastInstance>> hazelcast;
    private final long waitMillis;
    private final long leaseMillis;
    private final ReentrantLock[] local = new ReentrantLock[STRIPES];
    /** Which kind of lock the last conditional write took, logged when it changes. */
    private final AtomicReference<String> kind = new AtomicReference<>("");

    /**
     * @param hazelcast   the node's Hazelcast, looked up at each lock (empty without one)
     * @param waitMillis  how long a writer waits for the lock before 409 ConditionalRequestConflict
     * @param leaseMillis longest a lock is held before Hazelcast frees it (its holder hung)
     */
    ObjectWriteLocks(Supplier<Optional<HazelcastInstance>> hazelcast, long waitMillis, long leaseMillis) {
        this.hazelcast = hazelcast;
        this.waitMillis = waitMillis;
        this.leaseMillis = leaseMillis;
        for (int i = 0; i < STRIPES; i++) {
            local[i] = new ReentrantLock();
        }
    }

    /** A lock held until closed, by the thread that took it. */
    interface Held extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * Takes the write lock of {@code bucket/key}.
     *
     * @throws S3Exception ConditionalRequestConflict when another writer holds it past the wait
     * @throws StoreUnavailableException when the cluster cannot grant locks (retryable)
     */
    Held lock(String bucket, String key) {
        String name = bucket + "/" + key;
        Optional<HazelcastInstance> hz = hazelcast.get();
        String now = hz.isPresent() ? "the cluster's (Hazelcast map " + MAP + ")" : "this node's own (no Hazelcast)";
        if (!kind.getAndSet(now).equals(now)) {
            // Operators can tell from the log whether conditional writes are exclusive across gateways.
            LOG.info(() -> "conditional writes lock their keys with " + now + " locks");
        }
        if (hz.isPresent()) {
            IMap<String, String> map;
            boolean got;
            try {
                map = hz.get().getMap(MAP);
                got = map.tryLock(name, waitMillis, TimeUnit.MILLISECONDS, leaseMillis, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StoreUnavailableException("interrupted while waiting for the write lock of " + name);
            } catch (RuntimeException e) {
                throw new StoreUnavailableException("the cluster could not lock " + name + " for a conditional write", e);
            }
            if (!got) {
                throw conflict(bucket, key);
            }
            return () -> {
                try {
                    map.unlock(name);
                } catch (RuntimeException e) {
                    // The lease frees it; the write itself is done.
                }
            };
        }
        ReentrantLock lock = local[Math.floorMod(name.hashCode(), STRIPES)];
        try {
            if (!lock.tryLock(waitMillis, TimeUnit.MILLISECONDS)) {
                throw conflict(bucket, key);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreUnavailableException("interrupted while waiting for the write lock of " + name);
        }
        return lock::unlock;
    }

    private static S3Exception conflict(String bucket, String key) {
        return new S3Exception(S3ErrorCode.CONDITIONAL_REQUEST_CONFLICT, null, "/" + bucket + "/" + key);
    }
}
