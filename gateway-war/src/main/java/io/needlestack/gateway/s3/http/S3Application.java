package io.needlestack.gateway.s3.http;

import io.needlestack.gateway.compaction.CompactionResource;
import io.needlestack.gateway.manager.AccountInvalidationResource;
import io.needlestack.gateway.manager.BucketDeletionResource;
import io.needlestack.gateway.node.HealthEndpoint;
import io.needlestack.gateway.node.MetricsEndpoint;
import io.needlestack.gateway.node.logging.LogLevelResource;
import io.needlestack.gateway.object.cache.CachePurgeResource;
import io.needlestack.gateway.recovery.RecoveryResource;
import io.needlestack.gateway.s3.error.S3ExceptionMapper;
import io.needlestack.gateway.scrub.ScrubResource;
import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;
import java.util.Map;
import java.util.Set;

/**
 * The S3 API at the root of the gateway's context (path-style addressing needs "/"), with the
 * node's own endpoints ({@code /_health}, {@code /_metrics}, {@code /_internal/v1/...}).
 */
@ApplicationPath("/")
public class S3Application extends Application {

    /**
     * Listed, not scanned: Payara finds annotated classes through a class-model scan that once
     * missed an annotation in CI (see the WAR's ejb-jar.xml). A resource the scan missed would
     * leave a node up but answering 404 where it should serve; listed, every resource is
     * registered, or the application does not start at all. S3ApplicationTest checks that every
     * {@code @Path} and {@code @Provider} class of the WAR is here.
     */
    @Override
    public Set<Class<?>> getClasses() {
        return Set.of(S3Endpoint.class, RequestIdFilter.class, S3ExceptionMapper.class,
                HealthEndpoint.class, MetricsEndpoint.class, LogLevelResource.class,
                CachePurgeResource.class, CompactionResource.class, ScrubResource.class, RecoveryResource.class,
                BucketDeletionResource.class, AccountInvalidationResource.class);
    }

    /**
     * Jersey would otherwise answer {@code /application.wadl} itself, shadowing a bucket of that
     * (valid) name.
     */
    @Override
    public Map<String, Object> getProperties() {
        return Map.of("jersey.config.server.wadl.disableWadl", true);
    }
}
