package io.needlestack.gateway.s3.operation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class KeyListingTest {

    /** UTF-8 byte order, as S3 and the index sort. */
    private static final Comparator<String> UTF8 = (a, b) -> Arrays.compareUnsigned(
            a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));

    private static KeyListing<String> over(String prefix, String... keys) {
        TreeSet<String> sorted = new TreeSet<>(UTF8);
        sorted.addAll(List.of(keys));
        return new KeyListing<>((after, limit) -> {
            List<String> out = new ArrayList<>();
            for (String k : after == null ? sorted : sorted.tailSet(after, false)) {
                if (!k.startsWith(prefix)) {
                    if (UTF8.compare(k, prefix) > 0) {
                        break;
                    }
                    continue;
                }
                out.add(k);
                if (out.size() == limit) {
                    break;
                }
            }
            return out;
        }, k -> k);
    }

    @Test
    void rollsUpCommonPrefixes() {
        var page = over("", "a/1", "a/2", "b", "c/x/y", "d").list("", "/", null, 1000);
        assertEquals(List.of("b", "d"), page.contents());
        assertEquals(List.of("a/", "c/"), page.commonPrefixes());
        assertFalse(page.truncated());
    }

    @Test
    void maxKeysZeroAsksForNothingAndIsNotTruncated() {
        // A truncated page without a next marker sent paging clients round for ever (and V2 failed
        // with a 500 encoding the missing marker as its continuation token).
        for (String delimiter : new String[] {null, "/"}) {
            var page = over("", "a/1", "b", "c").list("", delimiter, null, 0);
            assertEquals(List.of(), page.contents());
            assertEquals(List.of(), page.commonPrefixes());
            assertFalse(page.truncated());
        }
    }

    @Test
    void prefixAndDelimiter() {
        var page = over("photos/", "photos/2024/a", "photos/2024/b", "photos/2025/a", "photos/x", "other")
                .list("photos/", "/", null, 1000);
        assertEquals(List.of("photos/x"), page.contents());
        assertEquals(List.of("photos/2024/", "photos/2025/"), page.commonPrefixes());
    }

    @Test
    void paginatesEveryKeyAndPrefixExactlyOnce() {
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 2500; i++) {
            keys.add(String.format("k%04d", i));
            if (i % 10 == 0) {
                keys.add(String.format("dir%04d/file", i));
                keys.add(String.format("dir%04d/other", i));
            }
        }
        KeyListing<String> listing = over("", keys.toArray(String[]::new));
        Set<String> seen = new LinkedHashSet<>();
        String marker = null;
        int pages = 0;
        while (true) {
            var page = listing.list("", "/", marker, 333);
            pages++;
            for (String k : page.contents()) {
                assertTrue(seen.add(k), "twice: " + k);
            }
            for (String p : page.commonPrefixes()) {
                assertTrue(seen.add(p), "twice: " + p);
            }
            assertTrue(page.contents().size() + page.commonPrefixes().size() <= 333);
            if (!page.truncated()) {
                break;
            }
            marker = page.nextMarker();
        }
        assertEquals(2500 + 250, seen.size());
        assertTrue(pages >= 9);
    }

    @Test
    void truncatedOnlyWhenMoreExist() {
        KeyListing<String> listing = over("", "a", "b", "c");
        assertFalse(listing.list("", null, null, 3).truncated());
        var two = listing.list("", null, null, 2);
        assertTrue(two.truncated());
        assertEquals("b", two.nextMarker());
        assertEquals(List.of("c"), listing.list("", null, "b", 2).contents());
    }

    @Test
    void byteOrderOfNonAsciiKeys() {
        // UTF-16 puts U+1F600 (a surrogate pair) before U+FF61; UTF-8 bytes put it after.
        var page = over("", "\uD83D\uDE00", "\uFF61", "z").list("", null, null, 10);
        assertEquals(List.of("z", "\uFF61", "\uD83D\uDE00"), page.contents());
    }

    @Test
    void aSmallPageAsksTheSourceForOneMoreKeyThanItCanTakeNotAWholeBatch() {
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            keys.add(String.format("k%04d", i));
        }
        List<Integer> asked = new ArrayList<>();
        KeyListing<String> listing = new KeyListing<>((after, limit) -> {
            asked.add(limit);
            int from = after == null ? 0 : keys.indexOf(after) + 1;
            return keys.subList(from, Math.min(keys.size(), from + limit));
        }, k -> k);
        KeyListing.Page<String> page = listing.list("", null, "k0100", 97);
        assertEquals(97, page.contents().size());
        assertTrue(page.truncated());
        assertEquals("k0197", page.nextMarker());
        assertEquals(List.of(98), asked);
        asked.clear();
        KeyListing.Page<String> last = listing.list("", null, "k2949", 1000);
        assertEquals(50, last.contents().size());
        assertFalse(last.truncated());
        assertEquals(List.of(1000), asked);
    }
}
