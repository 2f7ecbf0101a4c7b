package io.needlestack.manager.it.probe;

import java.util.Set;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

/** The probe's JAX-RS application at {@code /probe/api}. */
@ApplicationPath("api")
public class ProbeApi extends Application {

    @Override
    public Set<Class<?>> getClasses() {
        return Set.of(ProbeResource.class);
    }
}
