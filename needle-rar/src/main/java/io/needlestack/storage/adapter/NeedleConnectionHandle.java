package io.needlestack.storage.adapter;

import io.needlestack.storage.engine.NeedleEngine;
import io.needlestack.storage.store.CompactionStatus;
import io.needlestack.storage.store.ContainerUsage;
import io.needlestack.storage.store.DamagedNeedle;
import io.needlestack.storage.store.NeedleConnection;
import io.needlestack.storage.store.NeedleKey;
import io.needlestack.storage.store.NeedleKind;
import io.needlestack.storage.store.NeedleRecord;
import io.needlestack.storage.store.NeedleWrite;
import io.needlestack.storage.store.PutResult;
import io.needlestack.storage.store.ScrubStatus;
import io.needlestack.storage.store.StoreStats;
import io.needlestack.storage.store.StoreUnavailableException;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;

/**
 * The connection handle applications hold: delegates every call to the engine of its managed
 * connection. Public only because the {@code @ConnectionDefinition} names it; obtain it from
 * {@link io.needlestack.storage.store.NeedleConnectionFactory#getConnection()}.
 */
public final class NeedleConnectionHandle implements NeedleConnection {
    private volatile NeedleManagedConnection managed;
    private volatile boolean closed;

    NeedleConnectionHandle(NeedleManagedConnection managed) {
        this.managed = managed;
    }

    NeedleManagedConnection reassociate(NeedleManagedConnection to) {
        NeedleManagedConnection previous = managed;
        managed = to;
        return previous;
    }

    void invalidate() {
        closed = true;
    }

    private NeedleEngine engine() {
        NeedleManagedConnection m = managed;
        if (closed || m == null) {
            throw new StoreUnavailableException("needle connection is closed");
        }
        return m.engine();
    }

    @Override
    public PutResult put(NeedleWrite write, InputStream data, long length, boolean keepOlderVersions) {
        return engine().put(write, data, length, keepOlderVersions);
    }

    @Override
    public Optional<NeedleRecord> get(NeedleKey key) {
        return engine().get(key);
    }

    @Override
    public Optional<NeedleRecord> get(NeedleKey key, String versionId) {
        return engine().get(key, versionId);
    }

    @Override
    public InputStream openData(NeedleRecord record, long from, long length) {
        return engine().openData(record, from, length);
    }

    @Override
    public List<NeedleRecord> list(NeedleKind kind, String bucket, String prefix, String startAfter, int limit,
                                   boolean includeTombstones) {
        return engine().list(kind, bucket, prefix, startAfter, limit, includeTombstones);
    }

    @Override
    public List<NeedleRecord> scan(NeedleRecord after, int limit) {
        return engine().scan(after, limit);
    }

    @Override
    public boolean drop(NeedleKey key, long hlc, String versionId) {
        return engine().drop(key, hlc, versionId);
    }

    @Override
    public StoreStats stats() {
        return engine().stats();
    }

    @Override
    public CompactionStatus compactStart(java.util.Set<Integer> containerIds) {
        return engine().compactStart(containerIds);
    }

    @Override
    public CompactionStatus compactSuspend() {
        return engine().compactSuspend();
    }

    @Override
    public CompactionStatus compactResume() {
        return engine().compactResume();
    }

    @Override
    public CompactionStatus compactionStatus() {
        return engine().compactionStatus();
    }

    @Override
    public ScrubStatus scrubStart(long bytesPerSecond) {
        return engine().scrubStart(bytesPerSecond);
    }

    @Override
    public ScrubStatus scrubStatus() {
        return engine().scrubStatus();
    }

    @Override
    public List<DamagedNeedle> damaged() {
        return engine().damaged();
    }

    @Override
    public boolean repairDamaged(NeedleRecord damaged, java.io.InputStream data) {
        return engine().repairDamaged(damaged, data);
    }

    @Override
    public List<ContainerUsage> usage() {
        return engine().usage();
    }

    /** Gives the handle back to the pool (fires CONNECTION_CLOSED); idempotent, never throws. */
    @Override
    public void close() {
        NeedleManagedConnection m = managed;
        if (closed) {
            return;
        }
        closed = true;
        if (m != null) {
            m.handleClosed(this);
        }
    }
}
