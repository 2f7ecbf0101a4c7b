package io.needlestack.storage.engine;

import java.util.Arrays;

/**
 * Where the needles of one compacted container went, kept while the index still names their old
 * offsets.
 *
 * @param containerId the container
 * @param oldOffsets  where each moved needle was, ascending (the copy runs in file order)
 * @param newOffsets  where it is now, same order
 */
record Relocation(int containerId, long[] oldOffsets, long[] newOffsets) {

    /** The new offset of the needle that was at {@code oldOffset}, or -1 when it was not moved. */
    long newOffset(long oldOffset) {
        int i = Arrays.binarySearch(oldOffsets, oldOffset);
        return i < 0 ? -1 : newOffsets[i];
    }
}
