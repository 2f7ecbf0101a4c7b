package io.needlestack.gateway.s3.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.ws.rs.Path;
import jakarta.ws.rs.ext.Provider;
import java.io.IOException;
import java.nio.file.Files;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * S3Application lists its resources instead of letting the server scan for them: every class of
 * the WAR annotated {@code @Path} or {@code @Provider} must be in the list, or it would not be
 * served.
 */
class S3ApplicationTest {

    @Test
    void everyAnnotatedResourceAndProviderIsListed() throws IOException, ClassNotFoundException {
        java.nio.file.Path classes = java.nio.file.Path.of(
                S3Application.class.getProtectionDomain().getCodeSource().getLocation().getPath());
        Set<String> annotated = new TreeSet<>();
        try (Stream<java.nio.file.Path> files = Files.walk(classes)) {
            for (java.nio.file.Path f : (Iterable<java.nio.file.Path>) files::iterator) {
                String name = classes.relativize(f).toString();
                if (!name.endsWith(".class") || name.contains("$") || name.endsWith("package-info.class")) {
                    continue;
                }
                Class<?> c = Class.forName(name.substring(0, name.length() - 6).replace('/', '.'), false,
                        S3ApplicationTest.class.getClassLoader());
                if (c.isAnnotationPresent(Path.class) || c.isAnnotationPresent(Provider.class)) {
                    annotated.add(c.getName());
                }
            }
        }
        assertTrue(annotated.size() >= 10, "found only " + annotated + " under " + classes);
        Set<String> listed = new TreeSet<>();
        new S3Application().getClasses().forEach(c -> listed.add(c.getName()));
        assertEquals(annotated, listed);
    }
}
