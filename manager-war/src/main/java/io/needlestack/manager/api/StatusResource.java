package io.needlestack.manager.api;

import io.needlestack.core.node.NodeRecord;
import java.util.Comparator;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Properties;

import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import io.needlestack.core.config.NodeConfig;
import io.needlestack.manager.account.Accounts;
import io.needlestack.manager.bootstrap.ManagerStartup;
import io.needlestack.manager.cluster.PayaraCluster;

/**
 * {@code GET /_admin/api/status}:
 * {@code {"nodeId","roles":[..],"version","startedAt","uptimeSeconds","users","buckets",
 * "database","cluster":{"clustered","managerUrl"},"nodes":[{"id","name","roles","endpoint",
 * "internalEndpoint","rack","state":"running|stopped|down","startedAt","heartbeat","storeBytes","freeBytes"}]}}.
 */
@Path("status")
@RequestScoped
public class StatusResource {

    private static final String VERSION = readVersion();

    @Inject
    Accounts accounts;

    @Inject
    ManagerStartup startup;

    @Inject
    PayaraCluster cluster;

    /** The node's and the manager's state. */
    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public String status() {
        NodeConfig config = NodeConfig.current();
        JsonArrayBuilder roles = Json.createArrayBuilder();
        config.roles().stream().map(r -> r.name().toLowerCase(Locale.ROOT)).sorted().forEach(roles::add);
        Instant started = startup.startedAt();
        String published = cluster.published();
        return Json.createObjectBuilder()
                .add("nodeId", config.get("needlestack.node.name").or(() -> config.get("needlestack.node.id"))
                        .orElseGet(StatusResource::hostName))
                .add("roles", roles)
                .add("version", VERSION)
                .add("startedAt", started == null ? "" : started.toString())
                .add("uptimeSeconds", started == null ? 0 : Duration.between(started, Instant.now()).toSeconds())
                .add("jvmUptimeSeconds", ManagementFactory.getRuntimeMXBean().getUptime() / 1000)
                .add("users", accounts.userCount())
                .add("buckets", accounts.bucketCount())
                .add("database", startup.database())
                .add("cluster", Json.createObjectBuilder()
                        .add("clustered", cluster.clustered())
                        .add("managerUrl", published == null ? "" : published))
                .add("nodes", nodes())
                .build().toString();
    }

    /** Every node of the registry with its liveness, by id. */
    private JsonArrayBuilder nodes() {
        JsonArrayBuilder out = Json.createArrayBuilder();
        Instant now = Instant.now();
        cluster.nodeRecords().stream().sorted(Comparator.comparing(NodeRecord::id)).forEach(n -> {
            JsonArrayBuilder roles = Json.createArrayBuilder();
            n.roles().forEach(roles::add);
            out.add(Json.createObjectBuilder()
                    .add("id", n.id()).add("name", n.name()).add("roles", roles)
                    .add("endpoint", n.endpoint()).add("internalEndpoint", n.internalEndpoint())
                    .add("rack", n.rack()).add("state", n.liveness(now).name().toLowerCase(Locale.ROOT))
                    .add("startedAt", n.startedAt().toString()).add("heartbeat", n.heartbeat().toString())
                    .add("storeBytes", n.storeBytes()).add("freeBytes", n.freeBytes()));
        });
        return out;
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static String readVersion() {
        Properties p = new Properties();
        try (InputStream in = StatusResource.class.getResourceAsStream("/io/needlestack/manager/version.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            // the version is informative only
        }
        return p.getProperty("version", "unknown");
    }
}
