package io.needlestack.manager.internal;

import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import io.needlestack.core.account.AccountException;
import io.needlestack.core.account.AccountJson;
import io.needlestack.core.config.NodeConfig;
import io.needlestack.manager.account.Accounts;

/**
 * What gateways ask the manager; the client is
 * {@link io.needlestack.core.internal.ManagerInternalClient}.
 * <ul>
 *   <li>{@code GET credentials/{accessKey}}: credential JSON (also when inactive), 404
 *       {@code InvalidAccessKeyId}</li>
 *   <li>{@code GET buckets/{name}}: bucket JSON, 404 {@code NoSuchBucket}</li>
 *   <li>{@code GET buckets?owner=id}: {@code {"buckets":[..]}}</li>
 *   <li>{@code PUT buckets/{name}?owner=id&region=r}: 201 bucket JSON; 409
 *       {@code BucketAlreadyExists} / {@code BucketAlreadyOwnedByYou}; 400
 *       {@code InvalidBucketName}; 404 {@code NoSuchUser}</li>
 *   <li>{@code DELETE buckets/{name}}: 204, 404 {@code NoSuchBucket}; the gateway has checked
 *       that the bucket is empty</li>
 * </ul>
 */
@Path("/")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
public class InternalResource {

    @Inject
    Accounts accounts;

    /** The credential of an access key. */
    @GET
    @Path("credentials/{accessKey}")
    public String credential(@PathParam("accessKey") String accessKey) {
        return AccountJson.toJson(accounts.credential(accessKey).orElseThrow(
                () -> new AccountException("InvalidAccessKeyId", "unknown access key")));
    }

    /** A bucket. */
    @GET
    @Path("buckets/{name}")
    public String bucket(@PathParam("name") String name) {
        return AccountJson.toJson(accounts.bucket(name).orElseThrow(() -> noSuchBucket(name)));
    }

    /** One owner's buckets. */
    @GET
    @Path("buckets")
    public String buckets(@QueryParam("owner") String owner) {
        if (owner == null || owner.isBlank()) {
            throw new AccountException("InvalidArgument", "owner is required");
        }
        return AccountJson.bucketsToJson(accounts.buckets(owner));
    }

    /** Creates a bucket. */
    @PUT
    @Path("buckets/{name}")
    public Response create(@PathParam("name") String name, @QueryParam("owner") String owner,
                           @QueryParam("region") String region) {
        if (owner == null || owner.isBlank()) {
            throw new AccountException("InvalidArgument", "owner is required");
        }
        String r = region == null || region.isBlank() ? NodeConfig.current().region() : region;
        return Response.status(201).entity(AccountJson.toJson(accounts.createBucket(name, owner, r))).build();
    }

    /** Deletes a bucket's record. */
    @DELETE
    @Path("buckets/{name}")
    public Response delete(@PathParam("name") String name) {
        if (!accounts.deleteBucket(name)) {
            throw noSuchBucket(name);
        }
        return Response.noContent().build();
    }

    private static AccountException noSuchBucket(String name) {
        return new AccountException("NoSuchBucket", "no bucket " + name);
    }
}
