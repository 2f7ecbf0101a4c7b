package io.needlestack.manager.api;

import java.io.StringReader;
import java.net.URI;
import java.time.Duration;
import java.util.logging.Logger;

import jakarta.enterprise.context.RequestScoped;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import io.needlestack.core.account.AccountException;
import io.needlestack.core.account.BucketInfo;
import io.needlestack.core.config.NodeConfig;
import io.needlestack.core.node.NodeRecord;
import io.needlestack.manager.account.Accounts;
import io.needlestack.manager.recovery.NodePlane;
import io.needlestack.manager.ring.ClusterException;

/**
 * Bucket records.
 * <ul>
 *   <li>{@code GET buckets[?owner=id]}: {@code {"buckets":[bucket..]}}</li>
 *   <li>{@code GET buckets/{name}}: bucket</li>
 *   <li>{@code PUT buckets/{name}?owner=id&region=r}: 201 bucket; owner defaults to the caller,
 *       region to the node's; 409 {@code BucketAlreadyExists}/{@code BucketAlreadyOwnedByYou}</li>
 *   <li>{@code PUT buckets/{name}/owner} with {@code {"owner":id}} (LeoFS's {@code chown-bucket}):
 *       {@code {"bucket":bucket,"previousOwner","changed"}}; 404 {@code NoSuchBucket},
 *       {@code NoSuchUser}. The bucket is dropped from every gateway's cache before the answer,
 *       so S3 access follows the new owner at once</li>
 *   <li>{@code DELETE buckets/{name}} (LeoFS's {@code delete-bucket}, with S3 DeleteBucket's rule):
 *       204 once the record is gone; 404 {@code NoSuchBucket}; 409 {@code BucketNotEmpty} while
 *       the bucket holds an object (nothing changed); 503 {@code NoLiveNode},
 *       {@code NodeUnreachable}, {@code StoreUnavailable}</li>
 * </ul>
 * Only a node can tell whether a bucket is empty (the manager holds records, not objects): the
 * deletion asks a live node ({@link NodePlane#anyLiveNode}, this manager's own first) to make
 * DeleteBucket's check and to abort the bucket's open multipart uploads
 * ({@code POST /_internal/v1/bucket/prepare-delete}), then removes the record and the gateways'
 * cached copies. As with S3 DeleteBucket, an object written between the check and the removal is
 * not seen.
 */
@Path("buckets")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
public class BucketsResource {

    private static final Logger LOG = Logger.getLogger(BucketsResource.class.getName());
    // Listing one name over the replicas is quick; aborting open uploads deletes their parts'
    // chunks one by one. Kept under the CLI's 120 s for delete-bucket and a standby's forwarding
    // bound, so that the answer is this resource's.
    private static final Duration PREPARE_TIMEOUT = Duration.ofSeconds(100);

    @Inject
    Accounts accounts;

    @Inject
    NodePlane plane;

    @Context
    UriInfo uri;

    // The servlet container backs JAX-RS request properties with servlet request attributes.
    @Context
    HttpServletRequest request;

    /** All buckets, or one owner's. */
    @GET
    public String list(@QueryParam("owner") String owner) {
        return AdminJson.buckets(accounts.buckets(owner == null || owner.isBlank() ? null : owner)).toString();
    }

    /** One bucket. */
    @GET
    @Path("{name}")
    public String get(@PathParam("name") String name) {
        return AdminJson.bucket(accounts.bucket(name).orElseThrow(() -> noSuchBucket(name))).build().toString();
    }

    /** Creates a bucket record. */
    @PUT
    @Path("{name}")
    public Response create(@PathParam("name") String name, @QueryParam("owner") String owner,
                           @QueryParam("region") String region) {
        String o = owner == null || owner.isBlank() ? (String) request.getAttribute(AdminAuthFilter.USER_PROPERTY) : owner;
        String r = region == null || region.isBlank() ? NodeConfig.current().region() : region;
        BucketInfo b = accounts.createBucket(name, o, r);
        URI location = uri.getAbsolutePath();
        return Response.created(location).entity(AdminJson.bucket(b).build().toString()).build();
    }

    /** Gives a bucket another owner. */
    @PUT
    @Path("{name}/owner")
    @Consumes({MediaType.APPLICATION_JSON, MediaType.TEXT_PLAIN, MediaType.WILDCARD})
    public String changeOwner(@PathParam("name") String name, String body) {
        String owner = Bodies.string(Bodies.object(body), "owner");
        if (owner == null || owner.isBlank()) {
            throw new AccountException("InvalidArgument", "owner is required: {\"owner\":\"user id\"}");
        }
        return AdminJson.ownerChange(accounts.changeOwner(name, owner)).toString();
    }

    /** Deletes an empty bucket: see the class comment. */
    @DELETE
    @Path("{name}")
    public Response delete(@PathParam("name") String name) {
        accounts.bucket(name).orElseThrow(() -> noSuchBucket(name));
        NodeRecord node = plane.anyLiveNode();
        int aborted = prepared(name, plane.send(node.internalEndpoint(), "POST",
                "bucket/prepare-delete?bucket=" + NodePlane.encode(name), PREPARE_TIMEOUT));
        if (!accounts.deleteBucket(name)) {
            // Deleted meanwhile (S3 DeleteBucket, another admin): the outcome asked for, but say so.
            throw noSuchBucket(name);
        }
        LOG.info(() -> "bucket " + name + " deleted" + (aborted > 0 ? ", " + aborted + " open upload(s) aborted" : ""));
        return Response.noContent().build();
    }

    /**
     * The node's answer to {@code prepare-delete}: the number of open uploads it aborted when the
     * bucket is empty.
     *
     * @throws ClusterException the node's refusal with its code and status ({@code BucketNotEmpty}
     *         409, {@code StoreUnavailable} 503, ..); 502 {@code NodeError} for an answer that is
     *         not the resource's (a node without it, a proxy)
     */
    static int prepared(String name, NodePlane.Answer a) {
        JsonObject o = null;
        try (JsonReader r = Json.createReader(new StringReader(a.body()))) {
            o = r.readObject();
        } catch (JsonException | IllegalStateException e) {
            // not JSON: handled below
        }
        if (a.status() == 200 && o != null && o.getBoolean("empty", false)
                && o.get("abortedUploads") instanceof JsonNumber n) {
            return n.intValue();
        }
        if (a.status() >= 400 && o != null && o.get("code") instanceof JsonString code) {
            throw new ClusterException(code.getString(), a.status(), o.getString("message", ""));
        }
        throw new ClusterException("NodeError", 502, "the node answered " + a.status()
                + " to the emptiness check of bucket " + name + " (is it running this version?)");
    }

    private static AccountException noSuchBucket(String name) {
        return new AccountException("NoSuchBucket", "no bucket " + name);
    }
}
