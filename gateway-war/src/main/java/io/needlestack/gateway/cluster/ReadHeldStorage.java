package io.needlestack.gateway.cluster;

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

/**
 * A replica that is written to but not read from while it recovers ({@link ReadGate}): every read
 * fails as unavailable, so the replicated storage counts it as a replica that did not answer.
 */
final class ReadHeldStorage implements NeedleStorage {

    private final NeedleStorage delegate;
    private final String nodeId;

    ReadHeldStorage(NeedleStorage delegate, String nodeId) {
        this.delegate = delegate;
        this.nodeId = nodeId;
    }

    @Override
    public PutResult put(NeedleWrite write, InputStream data, long length, boolean keepOlderVersions) {
        return delegate.put(write, data, length, keepOlderVersions);
    }

    @Override
    public Optional<NeedleRecord> head(NeedleKey key) {
        throw held();
    }

    @Override
    public Optional<NeedleRecord> head(NeedleKey key, String versionId) {
        throw held();
    }

    @Override
    public InputStream open(NeedleRecord record, long from, long length) {
        throw held();
    }

    @Override
    public List<NeedleRecord> list(NeedleKind kind, String bucket, String prefix, String startAfter, int limit,
                                   boolean includeTombstones) {
        throw held();
    }

    private StoreUnavailableException held() {
        return new StoreUnavailableException("node " + nodeId + " restarted and is recovering: not read from yet");
    }
}
