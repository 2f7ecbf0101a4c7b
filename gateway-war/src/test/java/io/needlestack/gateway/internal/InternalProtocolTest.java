package io.needlestack.gateway.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.needlestack.core.config.NodeConfig;
import io.needlestack.storage.store.NeedleKey;
import io.needlestack.storage.store.NeedleKind;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InternalProtocolTest {

    @Test
    void anyStringSurvivesTheQueryEncoding() {
        for (String s : new String[] {"", "a", "../..", "%2F", "a b+c&d=e?f#g", "\u0000\n\r", "\u00e9\u4e2d\ud83d\ude00",
                "x".repeat(1024)}) {
            String enc = InternalProtocol.encode(s);
            assertTrue(enc.matches("[A-Za-z0-9_-]*"), enc);
            assertEquals(s, InternalProtocol.decode(enc));
        }
        assertThrows(IllegalArgumentException.class, () -> InternalProtocol.decode("not base64!"));
    }

    @Test
    void keyParamsRoundTripAndTargetsAreValidRawUris() {
        NeedleKey key = new NeedleKey(NeedleKind.PART, "my-bucket", "k/../?x=1&y#z \u00e9");
        Map<String, String> p = InternalProtocol.keyParams(key);
        assertEquals(key, InternalProtocol.key(p.get("kind"), p.get("bucket"), p.get("name")));
        String target = InternalProtocol.target(InternalProtocol.RECORD, p);
        assertTrue(target.startsWith("/_internal/v1/record?kind=PART&bucket="), target);
        // The target is sent and signed as is: it must already be a valid raw URI, unchanged by parsing.
        URI u = URI.create("http://127.0.0.1:1" + target);
        assertEquals(target, u.getRawPath() + "?" + u.getRawQuery());
        assertEquals("/_internal/v1/stats", InternalProtocol.target(InternalProtocol.STATS, Map.of()));
        assertThrows(IllegalArgumentException.class, () -> InternalProtocol.key("OBJECT", null, "x"));
        assertThrows(IllegalArgumentException.class, () -> InternalProtocol.key("BOGUS", "YQ", "YQ"));
    }

    @Test
    void internalPortDefaultsToHttpPortPlus100() {
        assertEquals(8180, InternalProtocol.port(NodeConfig.of(Map.of())));
        assertEquals(9100, InternalProtocol.port(NodeConfig.of(Map.of("needlestack.http.port", "9000"))));
        assertEquals(7000, InternalProtocol.port(NodeConfig.of(Map.of("needlestack.http.port", "9000",
                "needlestack.internal.port", "7000"))));
    }

    @Test
    void callBackTargetsCarryAnyObjectKeyAndAreReadBack() {
        java.util.List<NeedleKey> keys = java.util.List.of(NeedleKey.object("bucket-1", "a/b c?d&e=f.g\nh"),
                NeedleKey.object("b", "\u00e9t\u00e9"));
        String target = InternalProtocol.invalidationTarget(keys);
        assertTrue(target.startsWith("/_internal/v1/invalidate?key="), target);
        assertTrue(target.chars().allMatch(ch -> ch < 128 && ch != ' ' && ch != '#'), "URL-safe as signed: " + target);
        assertEquals(keys, InternalProtocol.invalidationKeys(target.substring(target.indexOf('?') + 1)));
    }

    @Test
    void malformedCallBacksAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> InternalProtocol.invalidationKeys(null));
        assertThrows(IllegalArgumentException.class, () -> InternalProtocol.invalidationKeys("other=1"));
        assertThrows(IllegalArgumentException.class, () -> InternalProtocol.invalidationKeys("key=nodot"));
        assertThrows(IllegalArgumentException.class, () -> InternalProtocol.invalidationKeys("key=%%%.abc"));
        assertThrows(IllegalArgumentException.class,
                () -> InternalProtocol.invalidationTarget(java.util.List.of(new NeedleKey(NeedleKind.CHUNK, "b", "c"))));
        assertThrows(IllegalArgumentException.class, () -> InternalProtocol.invalidationTarget(java.util.List.of()));
    }
}
