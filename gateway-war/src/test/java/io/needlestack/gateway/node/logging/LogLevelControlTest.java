package io.needlestack.gateway.node.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.ref.WeakReference;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link LogLevelControl} on real {@code java.util.logging} loggers and a real handler that keeps
 * what it publishes: a changed logger's records get through its handler, the handler goes back to
 * its own level afterwards, and a changed logger keeps its level when nothing else references it.
 */
class LogLevelControlTest {

    /** A handler that keeps the messages it would write, at its own level like any handler. */
    static final class Keeping extends Handler {
        final List<String> published = new CopyOnWriteArrayList<>();

        @Override
        public void publish(LogRecord r) {
            if (isLoggable(r)) {
                published.add(r.getMessage());
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }

    private final String base = "test.needlestack.loglevel" + System.nanoTime();
    private final Keeping handler = new Keeping();
    private Logger top;

    /** A logger tree of its own: {@code base} with the handler, passing nothing to the root. */
    private Logger tree() {
        top = Logger.getLogger(base);
        top.setUseParentHandlers(false);
        top.setLevel(Level.INFO);
        handler.setLevel(Level.INFO);
        top.addHandler(handler);
        return top;
    }

    @AfterEach
    void detach() {
        if (top != null) {
            top.removeHandler(handler);
        }
    }

    @Test
    void aLevelBelowTheHandlersIsLetThroughAndTheHandlerGoesBackAfterwards() {
        tree();
        Logger cls = Logger.getLogger(base + ".gateway.SomeClass");
        LogLevelControl control = new LogLevelControl();

        cls.fine("fine before");
        assertTrue(handler.published.isEmpty(), "at INFO nothing finer is written");

        LogLevelControl.State s = control.set(base, Level.FINEST);
        assertEquals(Level.FINEST, s.level());
        assertEquals(Level.FINEST, s.effective());
        assertEquals(Level.FINEST, handler.getLevel(), "the handler is lowered as far as the logger needs");
        assertEquals(List.of(new LogLevelControl.HandlerLevel(Keeping.class.getName(), Level.FINEST)), s.handlers());
        cls.fine("fine");
        cls.finest("finest");
        assertEquals(List.of("fine", "finest"), handler.published);
        assertEquals(Level.FINEST, control.state(base + ".gateway.SomeClass").effective(), "children inherit it");
        assertNull(control.state(base + ".gateway.SomeClass").level());

        control.set(base, Level.INFO);
        assertEquals(Level.INFO, handler.getLevel(), "back to its own level once nothing needs it lower");
        cls.fine("fine after");
        cls.info("info after");
        assertEquals(List.of("fine", "finest", "info after"), handler.published);
    }

    @Test
    void aHandlerIsNeverRaisedAboveItsOwnLevelAndServesTheLowestChangedLogger() {
        tree();
        handler.setLevel(Level.FINE);
        LogLevelControl control = new LogLevelControl();
        control.set(base, Level.WARNING);
        assertEquals(Level.FINE, handler.getLevel(), "a quieter logger does not raise a shared handler");
        control.set(base + ".a", Level.FINER);
        control.set(base + ".b", Level.FINEST);
        assertEquals(Level.FINEST, handler.getLevel(), "the lowest level any changed logger needs");
        control.set(base + ".b", Level.INFO);
        assertEquals(Level.FINER, handler.getLevel(), "still needed by the other one");
        control.set(base + ".a", Level.OFF);
        assertEquals(Level.FINE, handler.getLevel(), "its own level again");
        Logger.getLogger(base + ".c").warning("warning of a quiet logger");
        Logger.getLogger(base + ".a").severe("severe of an OFF logger");
        assertEquals(List.of("warning of a quiet logger"), handler.published);
    }

    @Test
    void aChangedLoggerNobodyElseReferencesKeepsItsLevel() throws InterruptedException {
        tree();
        String pkg = base + ".unreferenced";
        LogLevelControl control = new LogLevelControl();
        control.set(pkg, Level.FINE);
        // Without the control's reference, LogManager's weak one would let the logger and its
        // level go; a class logger created afterwards would then inherit INFO from the tree.
        WeakReference<Object> probe = new WeakReference<>(new Object());
        for (int i = 0; i < 20 && probe.get() != null; i++) {
            System.gc();
            Thread.sleep(20);
        }
        System.gc();
        Logger later = Logger.getLogger(pkg + ".LoadedLater");
        assertEquals(Level.FINE, LogLevels.effective(later));
        later.fine("fine of a class loaded later");
        assertEquals(List.of("fine of a class loaded later"), handler.published);
    }
}
