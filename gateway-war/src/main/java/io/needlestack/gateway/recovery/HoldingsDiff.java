package io.needlestack.gateway.recovery;

import io.needlestack.storage.store.NeedleKey;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What two replicas must exchange so both hold the newest version of every needle in the
 * compared sub-ranges: {@link #pull} (the peer's version is newer, or this node lacks the needle)
 * and {@link #push} (the other way). Tombstones are versions like any other, so a delete one side
 * missed is copied too and a deleted key cannot come back.
 *
 * @param pull the peer's holdings this node must copy
 * @param push this node's holdings the peer must copy
 */
record HoldingsDiff(List<Holding> pull, List<Holding> push) {

    /** The exchange between {@code mine} and {@code theirs} (newest version per needle each). */
    static HoldingsDiff of(Collection<Holding> mine, Collection<Holding> theirs) {
        Map<NeedleKey, Holding> own = new HashMap<>();
        mine.forEach(h -> own.merge(h.key(), h, (a, b) -> a.isNewerThan(b) ? a : b));
        Map<NeedleKey, Holding> peer = new HashMap<>();
        theirs.forEach(h -> peer.merge(h.key(), h, (a, b) -> a.isNewerThan(b) ? a : b));
        List<Holding> pull = new ArrayList<>();
        List<Holding> push = new ArrayList<>();
        for (Holding t : peer.values()) {
            Holding m = own.get(t.key());
            if (m == null || t.isNewerThan(m)) {
                pull.add(t);
            }
        }
        for (Holding m : own.values()) {
            Holding t = peer.get(m.key());
            if (t == null || m.isNewerThan(t)) {
                push.add(m);
            }
        }
        return new HoldingsDiff(List.copyOf(pull), List.copyOf(push));
    }

    /** True when both sides already agree. */
    boolean isEmpty() {
        return pull.isEmpty() && push.isEmpty();
    }
}
