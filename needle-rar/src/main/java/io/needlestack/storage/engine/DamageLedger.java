package io.needlestack.storage.engine;

import io.needlestack.storage.store.DamagedNeedle;
import io.needlestack.storage.store.NeedleKey;
import io.needlestack.storage.store.NeedleRecord;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The versions this node found damaged and has not repaired, by key, HLC and version id (not by
 * location: a compaction that could not copy a damaged needle leaves its index entry naming
 * bytes of the new file). In memory and bounded: the damage itself stays on disk, so after a
 * restart the next read or scrub finds it again.
 */
final class DamageLedger {

    private record Ref(NeedleKey key, long hlc, String versionId) {
        static Ref of(NeedleRecord r) {
            return new Ref(r.key(), r.hlc(), r.versionId());
        }
    }

    private final int limit;
    private final ConcurrentHashMap<Ref, DamagedNeedle> entries = new ConcurrentHashMap<>();

    /** @param limit entries kept at most; further damage is still logged and refused on read */
    DamageLedger(int limit) {
        this.limit = limit;
    }

    /** Lists a damaged version; false when it was listed already or the ledger is full. */
    boolean add(DamagedNeedle d) {
        if (entries.size() >= limit) {
            return false;
        }
        return entries.putIfAbsent(Ref.of(d.record()), d) == null;
    }

    /** The entry of that version, or null. Cheap when nothing is listed (every read asks). */
    DamagedNeedle get(NeedleRecord r) {
        if (entries.isEmpty()) {
            return null;
        }
        return entries.get(Ref.of(r));
    }

    /** Forgets a version (repaired, replaced or dropped). */
    boolean remove(NeedleRecord r) {
        return entries.remove(Ref.of(r)) != null;
    }

    int size() {
        return entries.size();
    }

    /** Every listed version, oldest finding first. */
    List<DamagedNeedle> list() {
        List<DamagedNeedle> out = new ArrayList<>(entries.values());
        out.sort(Comparator.comparingLong(DamagedNeedle::foundAtMillis));
        return out;
    }
}
