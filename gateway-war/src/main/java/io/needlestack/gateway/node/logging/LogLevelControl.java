package io.needlestack.gateway.node.logging;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Changes the level of running loggers, and of the handlers their records reach, for as long as
 * the JVM runs (nothing is written to {@code logging.properties}: a restart brings the configured
 * levels back).
 *
 * <p>Two things make a bare {@link Logger#setLevel} not enough:
 * <ul>
 *   <li>A handler drops records below its own level. Payara Micro's console handler is at FINE
 *   ({@code java.util.logging.ConsoleHandler.level=FINE} in its {@code logging.properties}), so a
 *   logger set to FINER, FINEST or ALL would log into nothing. Every handler a changed logger
 *   reaches (its own and its ancestors' while they pass records on) is therefore lowered to the
 *   lowest level a logger changed here needs, and put back (never above the level it had when this
 *   class first saw it) once no changed logger needs it lower. Lowering a shared handler lets no
 *   other logger's records through: those are still filtered by their own loggers' levels.</li>
 *   <li>{@link java.util.logging.LogManager} holds loggers weakly: a logger nobody references,
 *   such as the package logger {@code io.needlestack} (classes log through their own loggers),
 *   may be collected with its level, and its children fall back to the root's. Every logger
 *   changed here is therefore referenced here.</li>
 * </ul>
 * The logger tree is the JVM's, shared by all applications of the node (gateway, manager, store),
 * so one instance serves the node ({@link LogLevelResource}). Thread-safe.
 */
final class LogLevelControl {

    /** A handler and its level, for the answer. */
    record HandlerLevel(String handler, Level level) {
    }

    /**
     * A logger's state.
     *
     * @param logger    its name
     * @param level     its own level, null when it inherits
     * @param effective the level it logs at
     * @param handlers  the handlers its records reach, with their levels
     */
    record State(String logger, Level level, Level effective, List<HandlerLevel> handlers) {
    }

    /** Loggers whose level was set here, by name: referenced so that their levels stay. */
    private final Map<String, Logger> changed = new LinkedHashMap<>();
    /** Handlers this class has seen, with the level each had then. */
    private final Map<Handler, Level> configured = new IdentityHashMap<>();

    /**
     * Sets {@code loggerName}'s level and makes the handlers its records reach let that level
     * through.
     *
     * @return the logger's state afterwards
     */
    synchronized State set(String loggerName, Level level) {
        Logger logger = Logger.getLogger(loggerName);
        changed.put(loggerName, logger);
        logger.setLevel(level);
        adjustHandlers();
        return state(logger);
    }

    /** A logger's state now. */
    synchronized State state(String loggerName) {
        Logger logger = changed.get(loggerName);
        return state(logger != null ? logger : Logger.getLogger(loggerName));
    }

    private static State state(Logger logger) {
        List<HandlerLevel> handlers = new ArrayList<>();
        for (Handler h : handlers(logger)) {
            handlers.add(new HandlerLevel(h.getClass().getName(), h.getLevel()));
        }
        return new State(logger.getName(), logger.getLevel(), LogLevels.effective(logger), List.copyOf(handlers));
    }

    /**
     * Gives every handler seen the lowest level among its configured one and those of the changed
     * loggers whose records reach it.
     */
    private void adjustHandlers() {
        Map<Handler, Level> needed = new IdentityHashMap<>();
        for (Logger l : changed.values()) {
            Level level = l.getLevel();
            for (Handler h : handlers(l)) {
                configured.putIfAbsent(h, h.getLevel());
                if (level != null) {
                    needed.merge(h, level, LogLevelControl::lower);
                }
            }
        }
        for (Map.Entry<Handler, Level> e : configured.entrySet()) {
            Level want = lower(e.getValue(), needed.getOrDefault(e.getKey(), e.getValue()));
            if (!want.equals(e.getKey().getLevel())) {
                e.getKey().setLevel(want);
            }
        }
    }

    private static Level lower(Level a, Level b) {
        return a.intValue() <= b.intValue() ? a : b;
    }

    /** The handlers a logger's records reach: its own, then its ancestors' while it passes them on. */
    static List<Handler> handlers(Logger logger) {
        List<Handler> out = new ArrayList<>();
        for (Logger l = logger; l != null; l = l.getParent()) {
            for (Handler h : l.getHandlers()) {
                out.add(h);
            }
            if (!l.getUseParentHandlers()) {
                break;
            }
        }
        return out;
    }
}
