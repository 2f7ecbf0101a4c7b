package io.needlestack.gateway.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.needlestack.storage.store.NeedleKey;
import io.needlestack.storage.store.NeedleKind;
import io.needlestack.storage.store.NeedleRecord;
import io.needlestack.storage.store.NeedleWrite;
import io.needlestack.storage.store.PutResult;
import io.needlestack.storage.store.StoreStats;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NeedleJsonTest {

    // Every awkward character: control bytes, quotes, backslash, '/', '%', '+', '&', '=', '?', '#',
    // NUL, newline, non-ASCII, a supplementary code point.
    private static final String NASTY = "a/b%2F+c&d=e?f#g\u0000h\ni\"j\\k\u00e9\u4e2d\ud83d\ude00 \t.";

    private static NeedleRecord record(String name, long hlc) {
        return new NeedleRecord(new NeedleKey(NeedleKind.CHUNK, "bucket-1", name), hlc, "v-" + hlc, false,
                Map.of("content-type", "text/plain", "x-amz-meta-" + NASTY, NASTY), 6L * 1024 * 1024,
                "0123456789abcdef0123456789abcdef", -123456789, 7, (1L << 40) + 3, 6L * 1024 * 1024 + 200);
    }

    @Test
    void writeRoundTripKeepsEveryFieldAndFullLongs() {
        NeedleWrite w = new NeedleWrite(new NeedleKey(NeedleKind.OBJECT, "b", NASTY), Long.MAX_VALUE - 1, NASTY,
                false, Map.of("k", "v", NASTY, ""));
        NeedleJson.WriteRequest back = NeedleJson.readWrite(NeedleJson.write(w, true));
        assertEquals(w, back.write());
        assertTrue(back.keepOlderVersions());
        NeedleWrite tomb = new NeedleWrite(NeedleKey.object("b", ""), 1, "null", true, null);
        NeedleJson.WriteRequest t = NeedleJson.readWrite(NeedleJson.write(tomb, false));
        assertEquals(tomb, t.write());
        assertFalse(t.keepOlderVersions());
    }

    @Test
    void putResultRoundTrip() {
        PutResult p = new PutResult(record(NASTY, 5), true, List.of(record("old", 3), record("older", 2)));
        assertEquals(p, NeedleJson.readPutResult(NeedleJson.putResult(p)));
        PutResult none = new PutResult(record("x", Long.MIN_VALUE), false, List.of());
        assertEquals(none, NeedleJson.readPutResult(NeedleJson.putResult(none)));
    }

    @Test
    void recordListDigestAndStatsRoundTrip() {
        NeedleRecord r = record(NASTY, 42);
        assertEquals(r, NeedleJson.readRecord(NeedleJson.record(r)));
        List<NeedleRecord> list = List.of(r, record("b", 1));
        assertEquals(list, NeedleJson.readList(NeedleJson.list(list)));
        assertEquals(List.of(), NeedleJson.readList(NeedleJson.list(List.of())));
        NeedleDigest d = NeedleDigest.of(r);
        assertEquals(d, NeedleJson.readDigest(NeedleJson.digest(d)));
        assertEquals(42, d.hlc());
        assertEquals(r.md5Hex(), d.md5Hex());
        StoreStats s = new StoreStats(1, 2, Long.MAX_VALUE, 8, 5, 6, true);
        assertEquals(s, NeedleJson.readStats(NeedleJson.stats(s)));
    }

    @Test
    void malformedInputIsAnIllegalArgument() {
        assertThrows(IllegalArgumentException.class, () -> NeedleJson.readWrite("{"));
        assertThrows(IllegalArgumentException.class, () -> NeedleJson.readWrite("{\"kind\":\"OBJECT\"}"));
        assertThrows(IllegalArgumentException.class, () -> NeedleJson.readRecord("[]"));
        assertThrows(IllegalArgumentException.class, () -> NeedleJson.readWrite(
                NeedleJson.write(new NeedleWrite(NeedleKey.object("b", "k"), 1, "v", false, null), false)
                        .replace("OBJECT", "NOPE")));
        // An HLC that does not fit 64 bits is refused, not truncated.
        String big = NeedleJson.write(new NeedleWrite(NeedleKey.object("b", "k"), 1, "v", false, null), false)
                .replace("\"hlc\":1", "\"hlc\":18446744073709551616");
        assertThrows(IllegalArgumentException.class, () -> NeedleJson.readWrite(big));
    }

    @Test
    void errorBodiesAreReadLeniently() {
        String[] e = NeedleJson.readError(NeedleJson.error("StoreFullException", "disk full", true));
        assertEquals("StoreFullException", e[0]);
        assertEquals("disk full", e[1]);
        String[] html = NeedleJson.readError("<html>proxy error</html>");
        assertEquals("", html[0]);
        assertEquals("<html>proxy error</html>", html[1]);
    }
}
