package io.needlestack.gateway.node.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Locale;
import java.util.Map;
import java.util.logging.Level;
import org.junit.jupiter.api.Test;

/** The level names and logger names {@code update-log-level} accepts. */
class LogLevelsTest {

    @Test
    void everyJavaUtilLoggingLevelIsAcceptedInAnyCase() {
        for (Level l : new Level[] {Level.SEVERE, Level.WARNING, Level.INFO, Level.CONFIG, Level.FINE, Level.FINER,
                Level.FINEST, Level.OFF, Level.ALL}) {
            String name = l.getName();
            assertEquals(l, LogLevels.parse(name), name);
            assertEquals(l, LogLevels.parse(name.toLowerCase(Locale.ROOT)), name);
            assertEquals(l, LogLevels.parse(name.charAt(0) + name.substring(1).toLowerCase(Locale.ROOT)), name);
        }
        assertEquals(Level.FINE, LogLevels.parse(" fine "), "surrounding blanks are ignored");
    }

    @Test
    void leofsAndSlf4jNamesMapToTheNearestLevel() {
        Map<String, Level> aliases = Map.of("error", Level.SEVERE, "warn", Level.WARNING, "info", Level.INFO,
                "debug", Level.FINE, "trace", Level.FINEST);
        aliases.forEach((name, level) -> {
            assertEquals(level, LogLevels.parse(name), name);
            assertEquals(level, LogLevels.parse(name.toUpperCase(Locale.ROOT)), name);
        });
    }

    @Test
    void anythingElseIsRefusedWithTheNamesThatWork() {
        for (String bad : new String[] {null, "", " ", "LOUD", "verbose", "500", "-1", "FINE,INFO", "INF", "DEBUG2",
                "notice", "fatal"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LogLevels.parse(bad),
                    String.valueOf(bad));
            assertTrue(e.getMessage().contains("SEVERE") && e.getMessage().contains("debug"), e.getMessage());
        }
    }

    @Test
    void theDefaultLoggerIsTheProjectsAndWellFormedNamesPassAsTheyAre() {
        assertEquals("io.needlestack", LogLevels.loggerName(null));
        assertEquals("io.needlestack", LogLevels.loggerName(""));
        for (String good : new String[] {"io.needlestack", "io.needlestack.gateway.object.cache.ObjectCache",
                "com.hazelcast", "Outer$Inner", "a.b-c.d_e", "PayaraMicro", "x", "a".repeat(256)}) {
            assertEquals(good, LogLevels.loggerName(good), good);
        }
    }

    @Test
    void malformedLoggerNamesAreRefused() {
        for (String bad : new String[] {".", "a..b", ".a", "a.", "a b", "a/b", "a;b", "a&level=ALL", "a=b", "ä",
                "a\nb", "a%2Eb", "a".repeat(257)}) {
            assertThrows(IllegalArgumentException.class, () -> LogLevels.loggerName(bad), bad);
        }
    }
}
