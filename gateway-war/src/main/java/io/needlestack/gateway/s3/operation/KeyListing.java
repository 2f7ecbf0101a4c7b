package io.needlestack.gateway.s3.operation;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * S3's listing algorithm over a sorted source of keys: prefix, delimiter (keys that share the
 * part up to the delimiter roll up into one CommonPrefix, counted once against max-keys), a
 * marker to start after, max-keys and IsTruncated. Pure: the source is a function, so the rules
 * are tested without a server and the same code serves ListObjects, V2 and versions.
 *
 * @param <T> what the source returns per key
 */
public final class KeyListing<T> {

    /** Fetches up to {@code limit} items after {@code startAfter} (null: from the start), in key order. */
    public interface Source<T> {
        List<T> after(String startAfter, int limit);
    }

    /** The listing's result. */
    public record Page<T>(List<T> contents, List<String> commonPrefixes, boolean truncated, String nextMarker) {
    }

    /** Suffix greater, in UTF-8 byte order, than anything that can follow a prefix in a valid key. */
    static final String AFTER_EVERYTHING = "\uDBFF\uDFFF\uDBFF\uDFFF";

    private static final int BATCH = 1000;

    private final Source<T> source;
    private final Function<T, String> keyOf;

    public KeyListing(Source<T> source, Function<T, String> keyOf) {
        this.source = source;
        this.keyOf = keyOf;
    }

    /**
     * Lists.
     *
     * @param prefix    keys must start with it ("" for all; the source is expected to filter too)
     * @param delimiter null or empty for none
     * @param marker    start strictly after this key (null for none)
     * @param maxKeys   at most this many keys plus common prefixes
     */
    public Page<T> list(String prefix, String delimiter, String marker, int maxKeys) {
        if (maxKeys <= 0) {
            // Nothing asked for: not truncated, since a truncated page needs a next marker to go on from.
            return new Page<>(List.of(), List.of(), false, null);
        }
        String p = prefix == null ? "" : prefix;
        boolean rollUp = delimiter != null && !delimiter.isEmpty();
        List<T> contents = new ArrayList<>();
        List<String> prefixes = new ArrayList<>();
        String after = marker;
        // A marker that is a common prefix (V1's NextMarker) continues after everything it rolled up.
        if (rollUp && after != null && after.startsWith(p)
                && after.indexOf(delimiter, p.length()) == after.length() - delimiter.length()) {
            after = after + AFTER_EVERYTHING;
        }
        String last = null;
        while (true) {
            // One more than the page can still take tells whether it is truncated; a cluster merges
            // a page from every node, so fetching a whole batch for a small max-keys costs real work.
            int want = (int) Math.min(BATCH, (long) maxKeys - contents.size() - prefixes.size() + 1);
            List<T> batch = source.after(after, want);
            if (batch.isEmpty()) {
                return new Page<>(contents, prefixes, false, null);
            }
            boolean skipped = false;
            for (T item : batch) {
                String key = keyOf.apply(item);
                if (!key.startsWith(p)) {
                    continue;
                }
                String cp = null;
                if (rollUp) {
                    int i = key.indexOf(delimiter, p.length());
                    if (i >= 0) {
                        cp = key.substring(0, i + delimiter.length());
                    }
                }
                if (contents.size() + prefixes.size() >= maxKeys) {
                    return new Page<>(contents, prefixes, true, last);
                }
                if (cp != null) {
                    prefixes.add(cp);
                    last = cp;
                    after = cp + AFTER_EVERYTHING;
                    skipped = true;
                    break;
                }
                contents.add(item);
                last = key;
                after = key;
            }
            if (!skipped && batch.size() < want) {
                return new Page<>(contents, prefixes, false, null);
            }
        }
    }
}
