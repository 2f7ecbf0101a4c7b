package io.needlestack.gateway.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.needlestack.gateway.WarClasses;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class StartupComponentsTest {

    @Test
    void theListIsEveryClassThatObservesTheApplicationsStart() throws Exception {
        List<Class<?>> observers = WarClasses.matching(StartupComponentsTest::observesStart);
        assertFalse(observers.isEmpty(), "found no class observing the start: the walk is broken");
        assertEquals(sorted(observers), sorted(StartupComponents.STARTED_ON_DEPLOY.beans()));
    }

    @Test
    void theListenerIsDeclaredInBothWebXmls() throws Exception {
        for (String descriptor : List.of("web.xml", "web-ear.xml")) {
            String xml = Files.readString(Path.of("src/main/webapp/WEB-INF", descriptor));
            assertTrue(xml.contains("<listener-class>" + StartupComponents.class.getName() + "</listener-class>"),
                    descriptor + " does not declare " + StartupComponents.class.getName());
        }
    }

    /** Whether a method of {@code c} takes an {@code @Observes @Initialized(ApplicationScoped.class)} parameter. */
    static boolean observesStart(Class<?> c) {
        for (Method m : c.getDeclaredMethods()) {
            for (Annotation[] parameter : m.getParameterAnnotations()) {
                boolean observes = Stream.of(parameter).anyMatch(a -> a instanceof Observes);
                boolean onStart = Stream.of(parameter).anyMatch(
                        a -> a instanceof Initialized i && i.value() == ApplicationScoped.class);
                if (observes && onStart) {
                    return true;
                }
            }
        }
        return false;
    }

    private static List<String> sorted(List<Class<?>> classes) {
        return classes.stream().map(Class::getName).sorted(Comparator.naturalOrder()).toList();
    }
}
