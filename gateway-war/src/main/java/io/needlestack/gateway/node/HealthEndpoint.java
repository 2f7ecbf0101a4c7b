package io.needlestack.gateway.node;

import io.needlestack.core.config.NodeConfig;
import io.needlestack.core.internal.ManagerLocation;
import io.needlestack.core.platform.PlatformServices;
import io.needlestack.gateway.cluster.RingView;
import io.needlestack.storage.service.StorageService;
import io.needlestack.storage.store.StoreStats;
import jakarta.ejb.EJB;
import jakarta.inject.Inject;
import jakarta.enterprise.context.RequestScoped;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Response;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

/**
 * Readiness of this node, answered without authentication (load balancers and start scripts
 * poll it): 200 with a JSON status when the node serves, 503 when its store is not open. Its
 * {@code manager} field is the active manager's base URL ("" while none is published).
 */
@Path("_health")
@RequestScoped
public class HealthEndpoint {

    @EJB
    private StorageService storage;
    @Inject
    RingView ring;

    private final PlatformServices platform = new PlatformServices();

    /**
     * The active manager's base URL as published in Hazelcast ({@link ManagerLocation}), "" when
     * none is: how {@code needlestack-adm --endpoint ANY_NODE} finds the manager.
     */
    private String activeManager() {
        try {
            // Bounded: right after a member died, a map read can wait for its partitions to move,
            // and a health check must answer quickly whatever the grid does.
            String url = platform.hazelcast().map(hz -> hz.<String, String>getMap(ManagerLocation.MAP)
                    .getAsync(ManagerLocation.ACTIVE).toCompletableFuture()).orElse(CompletableFuture.completedFuture(null))
                    .get(2, TimeUnit.SECONDS);
            return url == null || url.contains("\"") || url.contains("\\") ? "" : url;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            return "";
        }
    }

    /** The node's status. */
    @GET
    @Produces("application/json")
    public Response health() {
        NodeConfig config = NodeConfig.current();
        String roles = config.roles().stream().map(r -> "\"" + r.name().toLowerCase(Locale.ROOT) + "\"")
                .sorted().collect(Collectors.joining(","));
        try {
            StoreStats s = storage.stats();
            String placement = ring.ring().map(r -> "{\"version\":" + r.version() + ",\"members\":" + r.members().size()
                    + ",\"checksum\":\"" + r.checksumHex() + "\"}").orElse("null");
            return Response.ok("{\"status\":\"UP\",\"roles\":[" + roles + "],\"store\":{\"writable\":" + s.writable()
                    + ",\"freeBytes\":" + s.freeBytes() + ",\"containers\":" + s.containers() + "},\"ring\":" + placement
                    + ",\"consistency\":\"" + ring.levels() + "\",\"manager\":\"" + activeManager() + "\"}").build();
        } catch (RuntimeException e) {
            return Response.status(503).entity("{\"status\":\"DOWN\",\"roles\":[" + roles + "],\"reason\":\""
                    + e.getClass().getSimpleName() + "\"}").build();
        }
    }
}
