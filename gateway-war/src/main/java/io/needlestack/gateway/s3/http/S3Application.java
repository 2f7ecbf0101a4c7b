package io.needlestack.gateway.s3.http;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;
import java.util.Map;

/** The S3 API at the root of the gateway's context (path-style addressing needs "/"). */
@ApplicationPath("/")
public class S3Application extends Application {

    /**
     * Jersey would otherwise answer {@code /application.wadl} itself, shadowing a bucket of that
     * (valid) name.
     */
    @Override
    public Map<String, Object> getProperties() {
        return Map.of("jersey.config.server.wadl.disableWadl", true);
    }
}
