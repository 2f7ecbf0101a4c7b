package io.needlestack.gateway;

import io.needlestack.gateway.s3.http.S3Application;
import java.io.IOException;
import java.lang.annotation.Annotation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * The gateway WAR's own top-level classes (its compiled {@code WEB-INF/classes}), for tests that
 * check a declaration against what the classes are annotated with.
 */
public final class WarClasses {

    private WarClasses() {
    }

    /** The WAR's top-level classes that carry any of {@code annotations}, in file order. */
    @SafeVarargs
    public static List<Class<?>> annotatedWithAny(Class<? extends Annotation>... annotations)
            throws IOException, ClassNotFoundException {
        return matching(c -> Stream.of(annotations).anyMatch(c::isAnnotationPresent));
    }

    /** The WAR's top-level classes for which {@code test} holds, in file order. */
    public static List<Class<?>> matching(Predicate<Class<?>> test) throws IOException, ClassNotFoundException {
        Path classes = Path.of(S3Application.class.getProtectionDomain().getCodeSource().getLocation().getPath());
        List<Class<?>> found = new ArrayList<>();
        try (Stream<Path> files = Files.walk(classes)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                String name = classes.relativize(f).toString();
                if (!name.endsWith(".class") || name.contains("$") || name.endsWith("package-info.class")) {
                    continue;
                }
                // Loaded without running static initialisers, which may need a running server.
                Class<?> c = Class.forName(name.substring(0, name.length() - 6).replace('/', '.'), false,
                        WarClasses.class.getClassLoader());
                if (test.test(c)) {
                    found.add(c);
                }
            }
        }
        return found;
    }
}
