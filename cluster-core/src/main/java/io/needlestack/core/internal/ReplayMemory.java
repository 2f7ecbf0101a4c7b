package io.needlestack.core.internal;

import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;

/**
 * The accepted requests a verifier must refuse a second time, bounded, and without a heap object
 * per request.
 *
 * <p>A request is remembered by a 64-bit id (the first eight bytes of its verified signature, so
 * a replay, which must repeat every signed byte, has the same id) in the slot of the second in
 * which it may be forgotten. Since that second follows from the request's signed date, a replay
 * falls into the very slot its original went to, and one slot is all a lookup reads. Each slot is
 * an open-addressing set over a {@code long[]}; a slot whose second has passed is dropped whole.
 *
 * <p>Why not a map of nonce strings with a queue of expiries (the first version): at a few
 * thousand internal requests a second each node held hundreds of thousands of small objects for
 * the whole window, which every young collection copied again (39 ms collections on a three-node
 * cluster); a set of primitive arrays costs the collector next to nothing, and 16 to 32 bytes per
 * request instead of about 150.
 *
 * <p>Not thread-safe: {@link InternalAuth} serialises the calls.
 */
final class ReplayMemory {

    /** Outcome of {@link #remember}. */
    enum Outcome { REMEMBERED, REPLAYED, FULL }

    private final int capacity;
    private final TreeMap<Long, LongSet> slots = new TreeMap<>();
    private int size;

    /** @param capacity the most ids remembered at once */
    ReplayMemory(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive");
        }
        this.capacity = capacity;
    }

    /**
     * Remembers {@code id} until {@code forgetAtMillis}, first dropping every slot that ended
     * before {@code nowMillis}. A full memory refuses rather than forget a live id.
     */
    Outcome remember(long id, long forgetAtMillis, long nowMillis) {
        expire(nowMillis);
        long second = Math.floorDiv(forgetAtMillis, 1000L);
        LongSet slot = slots.get(second);
        if (size >= capacity) {
            // A replay is still named one when the memory is full.
            return slot != null && slot.contains(id) ? Outcome.REPLAYED : Outcome.FULL;
        }
        if (slot == null) {
            slot = new LongSet();
            slots.put(second, slot);
        }
        if (!slot.add(id)) {
            return Outcome.REPLAYED;
        }
        size++;
        return Outcome.REMEMBERED;
    }

    /** Ids remembered now. */
    int size() {
        return size;
    }

    /** Slots held now (for tests). */
    int slots() {
        return slots.size();
    }

    private void expire(long nowMillis) {
        // A slot ends at the last millisecond of its second; everything in it may be forgotten
        // once that has passed (the verifier's window refuses those dates by then).
        Iterator<Map.Entry<Long, LongSet>> it = slots.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<Long, LongSet> e = it.next();
            if (e.getKey() * 1000L + 999L >= nowMillis) {
                return;
            }
            size -= e.getValue().size();
            it.remove();
        }
    }

    /** An open-addressing set of longs with linear probing; grows at half full. */
    static final class LongSet {
        // Zero marks a free cell, so the id zero is stored as this stand-in (ids are random
        // signature bits: merging two of 2^64 values costs nothing measurable).
        private static final long ZERO = 0x9E3779B97F4A7C15L;
        private long[] cells = new long[64];
        private int size;

        boolean contains(long id) {
            long v = id == 0 ? ZERO : id;
            return cells[probe(cells, v)] == v;
        }

        /** Adds {@code id}; returns false when it was there already. */
        boolean add(long id) {
            long v = id == 0 ? ZERO : id;
            if ((size + 1) * 2 > cells.length) {
                grow();
            }
            if (!insert(cells, v)) {
                return false;
            }
            size++;
            return true;
        }

        int size() {
            return size;
        }

        private void grow() {
            long[] bigger = new long[cells.length * 2];
            for (long c : cells) {
                if (c != 0) {
                    insert(bigger, c);
                }
            }
            cells = bigger;
        }

        private static boolean insert(long[] table, long v) {
            int i = probe(table, v);
            if (table[i] == v) {
                return false;
            }
            table[i] = v;
            return true;
        }

        /** The cell holding {@code v}, else the free cell where it belongs (the table is never full). */
        private static int probe(long[] table, long v) {
            int mask = table.length - 1;
            int i = index(v, mask);
            while (table[i] != v && table[i] != 0) {
                i = (i + 1) & mask;
            }
            return i;
        }

        private static int index(long v, int mask) {
            // Ids are uniform already; folding the halves keeps ids that differ high up apart.
            return (int) (v ^ (v >>> 32)) & mask;
        }
    }
}
