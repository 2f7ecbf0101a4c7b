package io.needlestack.gateway.object.cache;

import io.needlestack.gateway.object.NeedleStorage;
import io.needlestack.gateway.object.PromisedHead;
import io.needlestack.storage.store.NeedleKey;
import io.needlestack.storage.store.NeedleKind;
import io.needlestack.storage.store.NeedleRecord;
import io.needlestack.storage.store.NeedleWrite;
import io.needlestack.storage.store.PutResult;
import jakarta.annotation.Priority;
import jakarta.decorator.Decorator;
import jakarta.decorator.Delegate;
import jakarta.enterprise.inject.Any;
import jakarta.inject.Inject;
import jakarta.interceptor.Interceptor;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;

/**
 * Puts the {@link ObjectCache} in the object layer's read path: decorates the needle storage the
 * object layer injects (the routed one; this node's own {@code LocalNeedleStorage} is not a
 * {@code NeedleStorage} bean and stays undecorated, so replicas never serve from a cache).
 *
 * <ul>
 *   <li>Body reads come from the cache when it holds that exact version.</li>
 *   <li>The newest version of an object comes from the answers kept under call-back promises
 *   ({@link CacheCoherence}) while they hold, so a GET of a hot key makes no HEAD at all;
 *   otherwise the HEAD asks the replicas, and for a promise once the key has been read often
 *   enough ({@code needlestack.cache.min.uses}).</li>
 *   <li>Writes go straight through; this gateway drops its own kept answer of the key when the
 *   write returns, whether or not it succeeded (the replicas' call-backs drop it too).</li>
 * </ul>
 */
@Decorator
@Priority(Interceptor.Priority.APPLICATION)
public abstract class CachingNeedleStorage implements NeedleStorage {

    @Inject
    @Delegate
    @Any
    NeedleStorage delegate;

    @Inject
    GatewayCache cache;

    @Inject
    CacheCoherence coherence;

    @Override
    public InputStream open(NeedleRecord record, long from, long length) {
        return cache.cache().open(record, from, length, delegate::open, delegate.holdsLocally(record.key()));
    }

    @Override
    public Optional<NeedleRecord> head(NeedleKey key) {
        if (key.kind() != NeedleKind.OBJECT || !coherence.on()) {
            return delegate.head(key);
        }
        long epoch = delegate.placementEpoch();
        Optional<PointerCache.Entry> kept = coherence.trusted(key, epoch);
        if (kept.isPresent()) {
            return kept.get().record();
        }
        if (!coherence.worthPromising(key)) {
            return delegate.head(key);
        }
        // Asked only of keys worth it: it looks up the key's replicas in the ring.
        boolean alone = delegate.answersAlone(key);
        if (!coherence.mayKeep(alone)) {
            return delegate.head(key);
        }
        long generation = coherence.generation(key);
        long sentAt = System.nanoTime();
        PromisedHead answer = delegate.headPromised(key, coherence.promise());
        if (answer.promised()) {
            coherence.keep(key, generation, answer.record(), epoch, sentAt, alone);
        }
        return answer.record();
    }

    /** Never from a kept answer: a conditional write's check goes to the store (a default method would not). */
    @Override
    public Optional<NeedleRecord> headLatest(NeedleKey key) {
        return delegate.headLatest(key);
    }

    @Override
    public PutResult put(NeedleWrite write, InputStream data, long length, boolean keepOlderVersions) {
        try {
            return delegate.put(write, data, length, keepOlderVersions);
        } finally {
            if (write.key().kind() == NeedleKind.OBJECT) {
                coherence.drop(List.of(write.key()));
            }
        }
    }
}
