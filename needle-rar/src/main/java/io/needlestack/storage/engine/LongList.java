package io.needlestack.storage.engine;

import java.util.Arrays;

/** A growable list of longs: a compaction's offsets without a boxed object per needle. */
final class LongList {
    private long[] values = new long[1024];
    private int size;

    void add(long v) {
        if (size == values.length) {
            values = Arrays.copyOf(values, size * 2);
        }
        values[size++] = v;
    }

    long[] toArray() {
        return Arrays.copyOf(values, size);
    }
}
