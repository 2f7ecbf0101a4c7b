package io.needlestack.gateway.s3.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.needlestack.gateway.WarClasses;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.ext.Provider;
import java.io.IOException;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * S3Application lists its resources instead of letting the server scan for them: every class of
 * the WAR annotated {@code @Path} or {@code @Provider} must be in the list, or it would not be
 * served.
 */
class S3ApplicationTest {

    @Test
    void everyAnnotatedResourceAndProviderIsListed() throws IOException, ClassNotFoundException {
        Set<String> annotated = new TreeSet<>();
        WarClasses.annotatedWithAny(Path.class, Provider.class).forEach(c -> annotated.add(c.getName()));
        assertTrue(annotated.size() >= 10, "found only " + annotated);
        Set<String> listed = new TreeSet<>();
        new S3Application().getClasses().forEach(c -> listed.add(c.getName()));
        assertEquals(annotated, listed);
    }
}
