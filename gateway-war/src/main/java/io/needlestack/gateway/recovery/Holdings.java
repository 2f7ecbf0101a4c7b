package io.needlestack.gateway.recovery;

import io.needlestack.storage.store.NeedleKey;
import io.needlestack.storage.store.NeedleRecord;
import java.util.List;
import java.util.function.Predicate;

/**
 * Walks a node's store ({@code scan}: every version, index order, newest version of a key first)
 * and yields the newest version of each needle once, page by page, so neither side ever holds
 * its whole listing.
 */
final class Holdings {

    /** The store's scan: every version after {@code after} (null: from the start), at most {@code limit}. */
    @FunctionalInterface
    interface Scan {
        List<NeedleRecord> page(NeedleRecord after, int limit);
    }

    /** What a walk gives back to its caller for each needle; false stops the walk. */
    @FunctionalInterface
    interface Visitor {
        boolean visit(Holding h, NeedleRecord r);
    }

    static final int PAGE = 1000;

    private Holdings() {
    }

    /**
     * Visits the newest version of every needle after {@code after} (a record some earlier walk
     * stopped at; null from the start) that {@code keep} accepts.
     *
     * @return the record the walk stopped at when the visitor stopped it, null when the store ended
     */
    static NeedleRecord walk(Scan scan, NeedleRecord after, Predicate<Holding> keep, Visitor visitor) {
        NeedleKey last = after == null ? null : after.key();
        NeedleRecord cursor = after;
        while (true) {
            List<NeedleRecord> page = scan.page(cursor, PAGE);
            for (NeedleRecord r : page) {
                cursor = r;
                if (r.key().equals(last)) {
                    continue; // an older version of the needle just seen
                }
                last = r.key();
                Holding h = Holding.of(r);
                if (keep.test(h) && !visitor.visit(h, r)) {
                    return r;
                }
            }
            if (page.size() < PAGE) {
                return null;
            }
        }
    }

    /** A scan cursor naming one version (the store orders by key, then version). */
    static NeedleRecord cursor(NeedleKey key, long hlc, String versionId) {
        return new NeedleRecord(key, hlc, versionId, false, null, 0, "", 0, 0, 0, 0);
    }
}
