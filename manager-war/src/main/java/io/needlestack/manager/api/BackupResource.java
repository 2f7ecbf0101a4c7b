package io.needlestack.manager.api;

import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import io.needlestack.core.config.NodeConfig;
import io.needlestack.manager.account.Accounts;
import io.needlestack.manager.account.ManagerBackup;
import io.needlestack.manager.account.RestoreMode;
import io.needlestack.manager.account.RestoreReport;
import io.needlestack.manager.bootstrap.ManagerStartup;
import io.needlestack.manager.ring.ClusterManager;

/**
 * Backup and restore of the manager's accounts (LeoFS's {@code backup-mnesia} and
 * {@code restore-mnesia}); the document is {@link BackupJson}'s.
 * <ul>
 *   <li>{@code GET backup}: the document: users, access keys with their secrets, bucket records,
 *       and for information the consistency levels and the ring. As sensitive as the database:
 *       answered with {@code Cache-Control: no-store}.</li>
 *   <li>{@code POST restore[?mode=merge|replace]} with the document: the
 *       counts ({@link BackupJson#report}). Without a mode only into a fresh manager (409
 *       {@code ManagerNotEmpty}); 400 {@code InvalidBackup}, {@code UnsupportedBackupVersion},
 *       {@code InvalidArgument} (mode); 409 {@code AccessKeyInUse}, {@code WouldLockOutCaller}.
 *       The whole document is checked before anything changes, and the restore is one
 *       transaction; the root user and its keys are never touched
 *       ({@link io.needlestack.manager.account.RestoreMode}).</li>
 * </ul>
 * Ring, node decisions and consistency levels are not restored: they name the nodes of the
 * cluster the backup came from, and are rebuilt with {@code start}/{@code attach}/{@code rebalance}
 * and {@code update-consistency-level}; the answer carries the backup's levels for that.
 */
@Path("")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
public class BackupResource {

    @Inject
    Accounts accounts;

    @Inject
    ClusterManager clusterManager;

    @Inject
    ManagerStartup startup;

    // The servlet container backs JAX-RS request properties with servlet request attributes.
    @Context
    HttpServletRequest request;

    /** The backup document. */
    @GET
    @Path("backup")
    public Response backup() {
        NodeConfig config = NodeConfig.current();
        JsonObject source = Json.createObjectBuilder()
                .add("node", config.get("needlestack.node.name").or(() -> config.get("needlestack.node.id")).orElse(""))
                .add("managerVersion", StatusResource.version())
                .add("database", startup.database())
                .build();
        JsonObject cluster = Json.createObjectBuilder()
                .add("consistency", ClusterResource.levels(clusterManager.consistency()))
                .add("ring", ClusterResource.ringJson(clusterManager.ring().orElse(null), clusterManager.consistency()))
                .build();
        ManagerBackup b = accounts.backup();
        return Response.ok(BackupJson.encode(b, source, cluster).toString())
                .header("Cache-Control", "no-store").build();
    }

    /** Restores a backup document. */
    @POST
    @Path("restore")
    @Consumes({MediaType.APPLICATION_JSON, MediaType.TEXT_PLAIN, MediaType.WILDCARD})
    public String restore(@QueryParam("mode") String mode, String body) {
        RestoreMode m = RestoreMode.parse(mode);
        BackupJson.Decoded d = BackupJson.decode(body);
        RestoreReport r = accounts.restore(d.backup(), m,
                (String) request.getAttribute(AdminAuthFilter.USER_PROPERTY),
                (String) request.getAttribute(AdminAuthFilter.KEY_PROPERTY));
        return BackupJson.report(r, d.cluster()).toString();
    }
}
