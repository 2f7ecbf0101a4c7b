package io.needlestack.manager.api;

import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

import io.needlestack.core.ring.RebalanceProgress;
import io.needlestack.manager.ring.ClusterManager;
import io.needlestack.manager.ring.RebalanceTracker;
import jakarta.json.JsonObjectBuilder;
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
import io.needlestack.manager.election.ManagerRole;

/**
 * {@code GET /_admin/api/status}:
 * {@code {"nodeId","roles":[..],"version","startedAt","uptimeSeconds","users","buckets",
 * "database","cluster":{"clustered","managerUrl"},"ring":{"version","checksum","members",
 * "consistency":{"n","w","r","d"}},"nodes":[node..],"ringMismatch":[id..],"rebalance":{..},
 * "recovery":{nodeId:recovery record}}}, where a node is
 * {@link ClusterResource#node}: {@code state} is LeoFS's
 * ({@code attached|running|suspended|stopped|restarted|detached}, see
 * {@link io.needlestack.manager.ring.NodeState}), {@code liveness} the heartbeat's
 * ({@code running|stopped|down}), and {@code ringMismatch} lists the live nodes reporting a ring
 * checksum other than the manager's; {@code ringRepair} is
 * {@link io.needlestack.manager.ring.RingRepair#json()}, {@code manager} is
 * {@link ManagerRole#json()} (always the active manager's: a standby forwards the request).
 * {@code rebalance} is the last rebalance:
 * {@code {"inProgress","fromVersion","toVersion","done","startedAt","finishedAt","seconds",
 * "waitingFor":[id..],"nodes":[{"nodeId","ringVersion","scanned","copied","bytes","released",
 * "pending","failed","passes","done","startedAt","updatedAt"}..]}} (see {@link RebalanceTracker}).
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

    @Inject
    ClusterManager clusterManager;

    @Inject
    ManagerRole role;

    @Inject
    RebalanceTracker rebalances;

    @Inject
    io.needlestack.manager.recovery.RecoveryStates recoveryStates;

    /** The manager's version, as {@code status} shows it. */
    static String version() {
        return VERSION;
    }

    /** The node's and the manager's state. */
    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public String status() {
        NodeConfig config = NodeConfig.current();
        JsonArrayBuilder roles = Json.createArrayBuilder();
        config.roles().stream().map(r -> r.name().toLowerCase(Locale.ROOT)).sorted().forEach(roles::add);
        Instant started = startup.startedAt();
        String published = cluster.published();
        ClusterManager.View view = clusterManager.view();
        JsonArrayBuilder mismatch = Json.createArrayBuilder();
        view.mismatch().forEach(mismatch::add);
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
                .add("ring", Json.createObjectBuilder()
                        .add("version", view.ring() == null ? 0 : view.ring().version())
                        .add("checksum", view.ring() == null ? "" : view.ring().checksumHex())
                        .add("members", view.ring() == null ? 0 : view.ring().members().size())
                        .add("consistency", ClusterResource.levels(view.consistency())))
                .add("nodes", nodes(view, recoveryStates.repairQueues()))
                .add("ringMismatch", mismatch)
                .add("ringRepair", clusterManager.repairs().json())
                .add("manager", role.json())
                .add("rebalance", rebalance(rebalances.status()))
                .add("recovery", recovery())
                .build().toString();
    }

    /** The last rebalance and every node's progress on it. */
    static JsonObjectBuilder rebalance(RebalanceTracker.Status s) {
        JsonArrayBuilder waiting = Json.createArrayBuilder();
        s.waitingFor().forEach(waiting::add);
        JsonArrayBuilder nodes = Json.createArrayBuilder();
        for (RebalanceProgress p : s.nodes().values()) {
            nodes.add(Json.createObjectBuilder().add("nodeId", p.nodeId()).add("ringVersion", p.ringVersion())
                    .add("scanned", p.scanned()).add("copied", p.copied()).add("bytes", p.bytes())
                    .add("released", p.released()).add("pending", p.pending()).add("failed", p.failed())
                    .add("passes", p.passes()).add("done", p.done()).add("startedAt", p.startedAt().toString())
                    .add("updatedAt", p.updatedAt().toString()));
        }
        return Json.createObjectBuilder().add("inProgress", s.inProgress()).add("fromVersion", s.fromVersion())
                .add("toVersion", s.toVersion()).add("done", s.done())
                .add("startedAt", s.startedAt() == null ? "" : s.startedAt().toString())
                .add("finishedAt", s.finishedAt() == null ? "" : s.finishedAt().toString())
                .add("seconds", s.seconds()).add("waitingFor", waiting).add("nodes", nodes);
    }

    /** Every node (registry, attached and ring members) with its state, by id. */
    /**
     * The nodes, each with its repair queue: {@code repairQueue} is how many replica writes the
     * node holds for others, {@code repairQueueFor} how many others hold for it.
     */
    private static JsonArrayBuilder nodes(ClusterManager.View view, Map<String, Map<String, Long>> queues) {
        JsonArrayBuilder out = Json.createArrayBuilder();
        view.nodes().values().forEach(v -> {
            long held = queues.getOrDefault(v.id(), Map.of()).values().stream().mapToLong(Long::longValue).sum();
            long owed = queues.values().stream().mapToLong(m -> m.getOrDefault(v.id(), 0L)).sum();
            out.add(ClusterResource.node(v).add("repairQueue", held).add("repairQueueFor", owed));
        });
        return out;
    }

    /** What every node last published about its recovery, by node id. */
    private jakarta.json.JsonObjectBuilder recovery() {
        jakarta.json.JsonObjectBuilder b = Json.createObjectBuilder();
        recoveryStates.all().forEach((id, r) -> b.add(id, r.toJsonObject()));
        return b;
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
