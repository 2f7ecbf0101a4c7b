package io.needlestack.gateway.cluster.rebalance;

import io.needlestack.core.ring.RingNode;
import io.needlestack.gateway.object.NeedleStorage;
import io.needlestack.storage.store.NeedleKey;
import io.needlestack.storage.store.NeedleKind;
import io.needlestack.storage.store.NeedleRecord;
import io.needlestack.storage.store.NeedleWrite;
import io.needlestack.storage.store.PutResult;
import io.needlestack.storage.store.StoreUnavailableException;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * {@link NeedleStorage} while a rebalance runs: writes and reads go to the new owners (a replicated
 * storage over the next ring); a read the new owners cannot answer (none holds the needle, or none
 * answered) falls back to the previous owners that are not new owners, which still hold what has
 * not been moved yet; listings ask the members of both rings.
 */
public final class RebalancingNeedleStorage implements NeedleStorage {

    private static final Logger LOG = Logger.getLogger(RebalancingNeedleStorage.class.getName());

    private final NeedleStorage next;
    private final NeedleStorage listing;
    private final Transition transition;
    private final Function<RingNode, NeedleStorage> nodes;

    /**
     * @param next       replicated storage over the next ring
     * @param listing    replicated storage over {@link Transition#union()} (for listings only)
     * @param transition the rings
     * @param nodes      how to reach one node's store
     */
    public RebalancingNeedleStorage(NeedleStorage next, NeedleStorage listing, Transition transition,
                                    Function<RingNode, NeedleStorage> nodes) {
        this.next = next;
        this.listing = listing;
        this.transition = transition;
        this.nodes = nodes;
    }

    @Override
    public PutResult put(NeedleWrite write, InputStream data, long length, boolean keepOlderVersions) {
        return next.put(write, data, length, keepOlderVersions);
    }

    @Override
    public Optional<NeedleRecord> head(NeedleKey key) {
        return withFallback(key, () -> next.head(key), node -> node.head(key));
    }

    /** The new owners' quorum first; the previous owners for what has not moved yet, as {@link #head}. */
    @Override
    public Optional<NeedleRecord> headLatest(NeedleKey key) {
        return withFallback(key, () -> next.headLatest(key), node -> node.head(key));
    }

    @Override
    public Optional<NeedleRecord> head(NeedleKey key, String versionId) {
        return withFallback(key, () -> next.head(key, versionId), node -> node.head(key, versionId));
    }

    private Optional<NeedleRecord> withFallback(NeedleKey key, java.util.function.Supplier<Optional<NeedleRecord>> primary,
                                                Function<NeedleStorage, Optional<NeedleRecord>> ask) {
        StoreUnavailableException failure = null;
        try {
            Optional<NeedleRecord> found = primary.get();
            if (found.isPresent()) {
                return found;
            }
        } catch (StoreUnavailableException e) {
            failure = e;
        }
        Optional<NeedleRecord> best = Optional.empty();
        for (RingNode old : transition.previousOnlyOwners(key)) {
            try {
                Optional<NeedleRecord> r = ask.apply(nodes.apply(old));
                if (r.isPresent() && (best.isEmpty() || r.get().hlc() > best.get().hlc())) {
                    best = r;
                }
            } catch (RuntimeException e) {
                LOG.log(Level.FINE, "fallback read of " + key.name() + " from " + old.id() + " failed", e);
            }
        }
        if (best.isPresent() || failure == null) {
            return best;
        }
        throw failure;
    }

    @Override
    public InputStream open(NeedleRecord record, long from, long length) {
        try {
            return next.open(record, from, length);
        } catch (StoreUnavailableException e) {
            for (RingNode old : transition.previousOnlyOwners(record.key())) {
                try {
                    NeedleStorage store = nodes.apply(old);
                    Optional<NeedleRecord> own = store.head(record.key(), record.versionId());
                    if (own.isPresent() && own.get().hlc() == record.hlc()) {
                        return store.open(own.get(), from, length);
                    }
                } catch (RuntimeException x) {
                    LOG.log(Level.FINE, "fallback open of " + record.key().name() + " on " + old.id() + " failed", x);
                }
            }
            throw e;
        }
    }

    @Override
    public List<NeedleRecord> list(NeedleKind kind, String bucket, String prefix, String startAfter, int limit,
                                   boolean includeTombstones) {
        return listing.list(kind, bucket, prefix, startAfter, limit, includeTombstones);
    }
}
