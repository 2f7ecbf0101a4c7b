package io.needlestack.gateway.cluster.rebalance;

import io.needlestack.gateway.object.NeedleStorage;
import io.needlestack.storage.store.NeedleKey;
import io.needlestack.storage.store.NeedleKind;
import io.needlestack.storage.store.NeedleRecord;
import io.needlestack.storage.store.NeedleWrite;
import io.needlestack.storage.store.PutResult;
import io.needlestack.storage.store.StoreUnavailableException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;

/** A node's store in memory (newest version per key, plus scan and drop), which can be switched off. */
final class MemoryNode implements NeedleStorage, MovePass.Holdings {

    private static final Comparator<NeedleKey> ORDER = Comparator.comparing((NeedleKey k) -> k.kind())
            .thenComparing(NeedleKey::bucket).thenComparing(NeedleKey::name);

    final Map<NeedleKey, NeedleRecord> records = new ConcurrentSkipListMap<>(ORDER);
    final Map<NeedleKey, byte[]> data = new ConcurrentSkipListMap<>(ORDER);
    volatile boolean down;
    int puts;

    private void check() {
        if (down) {
            throw new StoreUnavailableException("node down");
        }
    }

    @Override
    public synchronized PutResult put(NeedleWrite w, InputStream in, long length, boolean keepOlder) {
        check();
        puts++;
        byte[] bytes;
        try {
            bytes = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        NeedleRecord old = records.get(w.key());
        if (old != null && old.hlc() > w.hlc()) {
            return new PutResult(old, false, List.of());
        }
        NeedleRecord r = new NeedleRecord(w.key(), w.hlc(), w.versionId(), w.tombstone(), w.metadata(), length,
                Integer.toHexString(java.util.Arrays.hashCode(bytes)), 0, 0, 0, length);
        records.put(w.key(), r);
        data.put(w.key(), bytes);
        return new PutResult(r, true, old == null ? List.of() : List.of(old));
    }

    @Override
    public Optional<NeedleRecord> head(NeedleKey key) {
        check();
        return Optional.ofNullable(records.get(key));
    }

    @Override
    public Optional<NeedleRecord> head(NeedleKey key, String versionId) {
        return head(key).filter(r -> r.versionId().equals(versionId));
    }

    @Override
    public InputStream open(NeedleRecord record, long from, long length) {
        check();
        return new ByteArrayInputStream(data.get(record.key()), (int) from, (int) length);
    }

    @Override
    public List<NeedleRecord> list(NeedleKind kind, String bucket, String prefix, String startAfter, int limit,
                                   boolean tombstones) {
        check();
        return records.values().stream().filter(r -> r.key().kind() == kind && r.key().bucket().equals(bucket))
                .filter(r -> r.key().name().startsWith(prefix))
                .filter(r -> startAfter == null || r.key().name().compareTo(startAfter) > 0)
                .filter(r -> tombstones || !r.tombstone()).limit(limit).toList();
    }

    @Override
    public List<NeedleRecord> scan(NeedleRecord after, int limit) {
        List<NeedleRecord> out = new ArrayList<>();
        for (NeedleRecord r : records.values()) {
            if (after == null || ORDER.compare(r.key(), after.key()) > 0) {
                out.add(r);
                if (out.size() == limit) {
                    break;
                }
            }
        }
        return out;
    }

    @Override
    public synchronized boolean drop(NeedleKey key, long hlc, String versionId) {
        NeedleRecord r = records.get(key);
        if (r == null || r.hlc() != hlc || !r.versionId().equals(versionId)) {
            return false;
        }
        records.remove(key);
        data.remove(key);
        return true;
    }

    @Override
    public InputStream open(NeedleRecord record) {
        return open(record, 0, record.dataLength());
    }
}
