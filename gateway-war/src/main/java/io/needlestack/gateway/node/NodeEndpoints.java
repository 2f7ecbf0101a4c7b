package io.needlestack.gateway.node;

import io.needlestack.core.config.NodeConfig;
import io.needlestack.storage.service.StorageService;
import io.needlestack.storage.store.StoreStats;
import jakarta.ejb.EJB;
import jakarta.enterprise.context.RequestScoped;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Response;
import java.lang.management.ManagementFactory;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Health and metrics of this node. Health is answered without authentication (load balancers
 * and start scripts poll it) and tells whether the store accepts writes.
 */
@Path("/")
@RequestScoped
public class NodeEndpoints {

    @EJB
    private StorageService storage;

    /** Readiness: 200 with a JSON status when the node serves, 503 when its store is not open. */
    @GET
    @Path("_health")
    @Produces("application/json")
    public Response health() {
        NodeConfig config = NodeConfig.current();
        String roles = config.roles().stream().map(r -> "\"" + r.name().toLowerCase(Locale.ROOT) + "\"")
                .sorted().collect(Collectors.joining(","));
        try {
            StoreStats s = storage.stats();
            return Response.ok("{\"status\":\"UP\",\"roles\":[" + roles + "],\"store\":{\"writable\":" + s.writable()
                    + ",\"freeBytes\":" + s.freeBytes() + ",\"containers\":" + s.containers() + "}}").build();
        } catch (RuntimeException e) {
            return Response.status(503).entity("{\"status\":\"DOWN\",\"roles\":[" + roles + "],\"reason\":\""
                    + e.getClass().getSimpleName() + "\"}").build();
        }
    }

    /** Prometheus text exposition of the node's counters. */
    @GET
    @Path("_metrics")
    @Produces("text/plain; version=0.0.4")
    public String metrics() {
        StringBuilder b = new StringBuilder(1024);
        StoreStats s = storage.stats();
        gauge(b, "needlestack_store_puts_total", "counter", "Needles appended since start.", s.puts());
        gauge(b, "needlestack_store_fsyncs_total", "counter", "fsync calls of the group-commit writers since start.", s.fsyncs());
        gauge(b, "needlestack_store_written_bytes_total", "counter", "Bytes appended to containers since start.", s.bytesWritten());
        gauge(b, "needlestack_store_containers", "gauge", "Container files.", s.containers());
        gauge(b, "needlestack_store_bytes", "gauge", "Bytes in container files.", s.liveBytes());
        gauge(b, "needlestack_store_free_bytes", "gauge", "Usable bytes left on the data file system.", s.freeBytes());
        gauge(b, "needlestack_store_writable", "gauge", "1 while the store accepts writes.", s.writable() ? 1 : 0);
        Runtime rt = Runtime.getRuntime();
        gauge(b, "needlestack_jvm_heap_used_bytes", "gauge", "Heap in use.", rt.totalMemory() - rt.freeMemory());
        gauge(b, "needlestack_jvm_heap_max_bytes", "gauge", "Maximum heap.", rt.maxMemory());
        gauge(b, "needlestack_uptime_seconds", "gauge", "Seconds since the JVM started.",
                ManagementFactory.getRuntimeMXBean().getUptime() / 1000);
        return b.toString();
    }

    private static void gauge(StringBuilder b, String name, String type, String help, long value) {
        b.append("# HELP ").append(name).append(' ').append(help).append('\n');
        b.append("# TYPE ").append(name).append(' ').append(type).append('\n');
        b.append(name).append(' ').append(value).append('\n');
    }
}
