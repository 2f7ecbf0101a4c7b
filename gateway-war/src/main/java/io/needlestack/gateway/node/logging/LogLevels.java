package io.needlestack.gateway.node.logging;

import java.util.Locale;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * The names {@code needlestack-adm update-log-level} accepts, checked without touching any logger:
 * the levels of {@code java.util.logging} (which Payara logs with) and the names LeoFS and SLF4J
 * use, and the shape of a logger name.
 */
final class LogLevels {

    /** The logger a change applies to when none is named: every logger of the project. */
    static final String DEFAULT_LOGGER = "io.needlestack";
    /** Longest logger name accepted; far longer than any class name, short enough for a query. */
    static final int MAX_LOGGER_NAME = 256;

    /**
     * Every accepted name, upper case, to its level. The LeoFS/SLF4J names map to the nearest
     * {@code java.util.logging} level: {@code debug} is FINE (what the code logs its detail at),
     * {@code trace} FINEST.
     */
    private static final Map<String, Level> NAMES = Map.ofEntries(
            Map.entry("SEVERE", Level.SEVERE), Map.entry("WARNING", Level.WARNING), Map.entry("INFO", Level.INFO),
            Map.entry("CONFIG", Level.CONFIG), Map.entry("FINE", Level.FINE), Map.entry("FINER", Level.FINER),
            Map.entry("FINEST", Level.FINEST), Map.entry("OFF", Level.OFF), Map.entry("ALL", Level.ALL),
            Map.entry("ERROR", Level.SEVERE), Map.entry("WARN", Level.WARNING), Map.entry("DEBUG", Level.FINE),
            Map.entry("TRACE", Level.FINEST));

    /**
     * Dot-separated segments of letters, digits, {@code _}, {@code $} (nested classes) and
     * {@code -}: every class or package name, and no empty segment. The root logger ("") is not
     * accepted: at FINE it would let every library of the server flood the log.
     */
    private static final Pattern LOGGER_NAME = Pattern.compile("[A-Za-z0-9_$-]+(\\.[A-Za-z0-9_$-]+)*");

    private LogLevels() {
    }

    /**
     * The level a name stands for, case-insensitive. Numbers, which {@link Level#parse} would
     * take, are refused: an operator's typo must not become some level.
     *
     * @throws IllegalArgumentException for anything else (the message lists the names)
     */
    static Level parse(String name) {
        Level level = name == null ? null : NAMES.get(name.trim().toUpperCase(Locale.ROOT));
        if (level == null) {
            throw new IllegalArgumentException("unknown log level '" + name + "': use SEVERE, WARNING, INFO, CONFIG,"
                    + " FINE, FINER, FINEST, OFF or ALL, or error, warn, info, debug, trace");
        }
        return level;
    }

    /**
     * The logger name to use: {@link #DEFAULT_LOGGER} when absent or empty, else {@code name}
     * itself when well-formed.
     *
     * @throws IllegalArgumentException for a malformed or over-long name
     */
    static String loggerName(String name) {
        if (name == null || name.isEmpty()) {
            return DEFAULT_LOGGER;
        }
        if (name.length() > MAX_LOGGER_NAME || !LOGGER_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("malformed logger name '" + name + "': dot-separated names of letters,"
                    + " digits, _, $ and -, at most " + MAX_LOGGER_NAME + " characters, e.g. io.needlestack.gateway");
        }
        return name;
    }

    /** The level a logger logs at: its own, else that of its nearest ancestor that has one. */
    static Level effective(Logger logger) {
        for (Logger l = logger; l != null; l = l.getParent()) {
            if (l.getLevel() != null) {
                return l.getLevel();
            }
        }
        // Only when even the root logger has no level, which LogManager never leaves so.
        return Level.INFO;
    }
}
