package io.needlestack.gateway.object;

import io.needlestack.gateway.object.cache.CacheCoherence;
import io.needlestack.storage.service.StorageService;
import io.needlestack.storage.store.NeedleGoneException;
import io.needlestack.storage.store.NeedleKey;
import io.needlestack.storage.store.NeedleKind;
import io.needlestack.storage.store.NeedleRecord;
import io.needlestack.storage.store.NeedleWrite;
import io.needlestack.storage.store.PutResult;
import jakarta.ejb.EJB;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Typed;
import jakarta.inject.Inject;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;

/**
 * {@link NeedleStorage} on this node's storage EJB: all of it on a single node, this node's share
 * in a cluster. Injected only by its class; the object layer injects the routed storage.
 */
@ApplicationScoped
@Typed(LocalNeedleStorage.class)
public class LocalNeedleStorage implements NeedleStorage {

    @EJB
    private StorageService storage;
    @Inject
    CacheCoherence coherence;

    @Override
    public PutResult put(NeedleWrite write, InputStream data, long length, boolean keepOlderVersions) {
        try {
            return storage.put(write, data, length, keepOlderVersions);
        } finally {
            // Before the write is answered: gateways that keep the key drop it.
            coherence.written(write.key());
        }
    }

    /** The newest version, registering the promise first (see {@code CacheCoherence}). */
    @Override
    public PromisedHead headPromised(NeedleKey key, HeadPromise promise) {
        boolean promised = coherence.promised(key, promise);
        return new PromisedHead(storage.head(key), promised);
    }

    @Override
    public Optional<NeedleRecord> head(NeedleKey key) {
        return storage.head(key);
    }

    @Override
    public Optional<NeedleRecord> head(NeedleKey key, String versionId) {
        return storage.head(key, versionId);
    }

    @Override
    public InputStream open(NeedleRecord record, long from, long length) {
        try {
            return storage.openData(record, from, length);
        } catch (NeedleGoneException e) {
            // Replaced (or deleted) and compacted away since the read resolved it: the read resolves again.
            VersionGoneException gone = new VersionGoneException(e.getMessage());
            gone.initCause(e);
            throw gone;
        }
    }

    @Override
    public List<NeedleRecord> list(NeedleKind kind, String bucket, String prefix, String startAfter, int limit,
                                   boolean includeTombstones) {
        return storage.list(kind, bucket, prefix, startAfter, limit, includeTombstones);
    }

    /** Every version this node stores, in index order (see {@code NeedleConnection#scan}). */
    public List<NeedleRecord> scan(NeedleRecord after, int limit) {
        return storage.scan(after, limit);
    }

    /** Forgets one version this node stores (see {@code NeedleConnection#drop}). */
    public boolean drop(NeedleKey key, long hlc, String versionId) {
        try {
            return storage.drop(key, hlc, versionId);
        } finally {
            coherence.written(key);
        }
    }
}
