package io.needlestack.manager.api;

import java.net.URI;

import jakarta.enterprise.context.RequestScoped;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.inject.Inject;
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
import io.needlestack.manager.account.Accounts;

/**
 * Bucket records.
 * <ul>
 *   <li>{@code GET buckets[?owner=id]}: {@code {"buckets":[bucket..]}}</li>
 *   <li>{@code GET buckets/{name}}: bucket</li>
 *   <li>{@code PUT buckets/{name}?owner=id&region=r}: 201 bucket; owner defaults to the caller,
 *       region to the node's; 409 {@code BucketAlreadyExists}/{@code BucketAlreadyOwnedByYou}</li>
 *   <li>{@code DELETE buckets/{name}}: always refused, 409 {@code BucketEmptinessUnknown}:
 *       only a gateway can tell whether a bucket is empty, so buckets are deleted with S3
 *       DeleteBucket, which checks and then removes the record through the internal API</li>
 * </ul>
 */
@Path("buckets")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
public class BucketsResource {

    @Inject
    Accounts accounts;

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

    /** Refused: see the class comment. */
    @DELETE
    @Path("{name}")
    public Response delete(@PathParam("name") String name) {
        accounts.bucket(name).orElseThrow(() -> noSuchBucket(name));
        throw new AccountException("BucketEmptinessUnknown",
                "the admin API cannot check that a bucket is empty; delete it with S3 DeleteBucket");
    }

    private static AccountException noSuchBucket(String name) {
        return new AccountException("NoSuchBucket", "no bucket " + name);
    }
}
