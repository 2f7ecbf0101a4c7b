package io.needlestack.manager.internal;

import java.util.Set;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

import io.needlestack.manager.api.ErrorMapper;

/** The internal API application at {@code /_admin/internal}; classes listed, not scanned. */
@ApplicationPath("internal")
public class InternalApi extends Application {

    @Override
    public Set<Class<?>> getClasses() {
        return Set.of(InternalAuthFilter.class, ErrorMapper.class, InternalResource.class);
    }
}
