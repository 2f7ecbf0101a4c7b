package io.needlestack.manager.api;

import java.net.URI;
import java.util.Locale;

import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import io.needlestack.core.account.AccountException;
import io.needlestack.manager.account.Accounts;
import io.needlestack.manager.account.NewAccessKey;
import io.needlestack.manager.account.Role;
import io.needlestack.manager.account.UserInfo;

/**
 * Users and their access keys.
 * <ul>
 *   <li>{@code GET users}: {@code {"users":[user..]}}</li>
 *   <li>{@code POST users} with {@code {"id","displayName"?,"role":"user|admin"?}}: 201
 *       {@code {"user":user,"key":{"userId","accessKey","secretKey"}}}; the secret is shown only
 *       here</li>
 *   <li>{@code POST users} with {@code "accessKey"} and {@code "secretKey"} as well (LeoFS's
 *       {@code import-user}): the user's first key is that pair; 201
 *       {@code {"user":user,"key":{"userId","accessKey"}}} (the secret is the caller's, not sent
 *       back); 409 {@code AccessKeyInUse} when any user holds the key, 400
 *       {@code MalformedAccessKeyId}, {@code InvalidSecretKey}</li>
 *   <li>{@code GET users/{id}}: user; {@code DELETE users/{id}}: 204 (409
 *       {@code UserOwnsBuckets} while the user owns buckets)</li>
 *   <li>{@code PUT users/{id}/role} with {@code {"role":"user|admin"}} (LeoFS's
 *       {@code update-user-role}): {@code {"user":user,"previousRole","changed"}}; 404
 *       {@code NoSuchUser}, 409 {@code CannotChangeRootRole}, {@code LastActiveAdmin}</li>
 *   <li>{@code POST users/{id}/keys}: 201 key; {@code DELETE users/{id}/keys/{accessKey}}: 204</li>
 * </ul>
 */
@Path("users")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
public class UsersResource {

    @Inject
    Accounts accounts;

    @Context
    UriInfo uri;

    /** All users. */
    @GET
    public String list() {
        return AdminJson.users(accounts.users()).toString();
    }

    /** Creates a user with a generated key pair, or with the pair given (import). */
    @POST
    @Consumes({MediaType.APPLICATION_JSON, MediaType.TEXT_PLAIN, MediaType.WILDCARD})
    public Response create(String body) {
        JsonObject o = Bodies.object(body);
        String id = Bodies.string(o, "id");
        String role = Bodies.string(o, "role");
        Role r = role == null ? Role.USER : role(role);
        String accessKey = Bodies.string(o, "accessKey");
        String secretKey = Bodies.string(o, "secretKey");
        if (accessKey != null || secretKey != null) {
            if (accessKey == null || secretKey == null) {
                throw new AccountException("InvalidArgument",
                        "accessKey and secretKey go together (import); leave both out for a generated pair");
            }
            UserInfo imported = accounts.importUser(id, Bodies.string(o, "displayName"), r, accessKey, secretKey);
            URI location = uri.getAbsolutePathBuilder().path(imported.id()).build();
            return Response.created(location).entity(AdminJson.imported(imported, accessKey).toString()).build();
        }
        Accounts.CreatedUser created = accounts.createUser(id, Bodies.string(o, "displayName"), r);
        URI location = uri.getAbsolutePathBuilder().path(created.user().id()).build();
        return Response.created(location).entity(Json.createObjectBuilder()
                .add("user", AdminJson.user(created.user()))
                .add("key", AdminJson.key(created.key()))
                .build().toString()).build();
    }

    /** Gives a user another role. */
    @PUT
    @Path("{id}/role")
    @Consumes({MediaType.APPLICATION_JSON, MediaType.TEXT_PLAIN, MediaType.WILDCARD})
    public String changeRole(@PathParam("id") String id, String body) {
        String role = Bodies.string(Bodies.object(body), "role");
        if (role == null) {
            throw new AccountException("InvalidArgument", "role is required: {\"role\":\"user|admin\"}");
        }
        return AdminJson.roleChange(accounts.changeRole(id, role(role))).toString();
    }

    /** One user. */
    @GET
    @Path("{id}")
    public String get(@PathParam("id") String id) {
        return AdminJson.user(accounts.user(id).orElseThrow(() -> noSuchUser(id))).toString();
    }

    /** Deletes a user and its keys. */
    @DELETE
    @Path("{id}")
    public Response delete(@PathParam("id") String id) {
        accounts.deleteUser(id);
        return Response.noContent().build();
    }

    /** Adds a generated key pair. */
    @POST
    @Path("{id}/keys")
    public Response addKey(@PathParam("id") String id) {
        NewAccessKey k = accounts.addKey(id);
        URI location = uri.getAbsolutePathBuilder().path(k.accessKey()).build();
        return Response.created(location).entity(AdminJson.key(k).toString()).build();
    }

    /** Deletes an access key. */
    @DELETE
    @Path("{id}/keys/{accessKey}")
    public Response deleteKey(@PathParam("id") String id, @PathParam("accessKey") String accessKey) {
        accounts.deleteKey(id, accessKey);
        return Response.noContent().build();
    }

    /** The role a request names: {@code user} or {@code admin}, in any case. */
    static Role role(String role) {
        try {
            return Role.valueOf(role.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new AccountException("InvalidArgument", "role must be user or admin");
        }
    }

    private static AccountException noSuchUser(String id) {
        return new AccountException("NoSuchUser", "no user " + id);
    }
}
