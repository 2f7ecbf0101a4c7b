package io.needlestack.manager.api;

import java.util.Set;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

import io.needlestack.manager.election.StandbyForwarding;

/**
 * The admin API application at {@code /_admin/api}. Its classes are listed, not scanned, so
 * that the internal API's resources are not served here too.
 */
@ApplicationPath("api")
public class AdminApi extends Application {

    @Override
    public Set<Class<?>> getClasses() {
        return Set.of(AdminAuthFilter.class, ErrorMapper.class, StatusResource.class, UsersResource.class,
                BucketsResource.class, ClusterResource.class, StandbyForwarding.class,
                RecoveryResource.class, CompactionResource.class, ScrubResource.class, BackupResource.class,
                LogLevelResource.class, CachePurgeResource.class);
    }
}
