package io.needlestack.manager.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class StartupComponentsTest {

    @Test
    void theListIsEveryClassThatObservesTheApplicationsStart() throws Exception {
        Path classes = Path.of(StartupComponents.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<String> observers = new ArrayList<>();
        try (Stream<Path> files = Files.walk(classes)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                String name = classes.relativize(f).toString();
                if (name.endsWith(".class") && !name.endsWith("package-info.class")) {
                    // Loaded without running static initialisers, which may need a running server.
                    Class<?> c = Class.forName(name.substring(0, name.length() - 6).replace('/', '.'), false,
                            getClass().getClassLoader());
                    if (observesStart(c)) {
                        observers.add(c.getName());
                    }
                }
            }
        }
        assertFalse(observers.isEmpty(), "found no class observing the start: the walk is broken");
        assertEquals(observers.stream().sorted().toList(),
                StartupComponents.STARTED_ON_DEPLOY.beans().stream().map(Class::getName).sorted().toList());
    }

    @Test
    void theListenerIsDeclaredInWebXml() throws Exception {
        String xml = Files.readString(Path.of("src/main/webapp/WEB-INF/web.xml"));
        assertTrue(xml.contains("<listener-class>" + StartupComponents.class.getName() + "</listener-class>"));
    }

    private static boolean observesStart(Class<?> c) {
        for (Method m : c.getDeclaredMethods()) {
            for (Annotation[] parameter : m.getParameterAnnotations()) {
                if (Stream.of(parameter).anyMatch(a -> a instanceof Observes) && Stream.of(parameter)
                        .anyMatch(a -> a instanceof Initialized i && i.value() == ApplicationScoped.class)) {
                    return true;
                }
            }
        }
        return false;
    }
}
