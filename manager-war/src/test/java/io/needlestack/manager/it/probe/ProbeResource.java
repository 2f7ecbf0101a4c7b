package io.needlestack.manager.it.probe;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Optional;

import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.naming.InitialContext;
import javax.naming.NamingException;

import com.hazelcast.core.HazelcastInstance;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Response;

import io.needlestack.core.account.AccountCaches;
import io.needlestack.core.account.AccountJson;
import io.needlestack.core.config.NodeConfig;
import io.needlestack.core.internal.CachedManagerClient;
import io.needlestack.core.internal.ClusterSecret;
import io.needlestack.core.internal.ManagerInternalClient;
import io.needlestack.core.internal.ManagerLocation;

/** What a gateway sees: the shared caches, the published manager address, cached reads. */
@Path("/")
public class ProbeResource {

    private static volatile CachedManagerClient client;

    /** The manager's published base URL. */
    @GET
    @Path("manager")
    public Response manager() {
        String url = hazelcast().<String, String>getMap(ManagerLocation.MAP).get(ManagerLocation.ACTIVE);
        return url == null ? Response.status(404).build() : Response.ok(url).build();
    }

    /** A raw cache entry. */
    @GET
    @Path("cache/{name}/{key}")
    public Response get(@PathParam("name") String name, @PathParam("key") String key) {
        String v = cache(name).get(key);
        return v == null ? Response.status(404).build() : Response.ok(v).build();
    }

    /** Plants a raw cache entry. */
    @PUT
    @Path("cache/{name}/{key}")
    public Response put(@PathParam("name") String name, @PathParam("key") String key, String value) {
        cache(name).put(key, value);
        return Response.noContent().build();
    }

    /** A credential read through the cache. */
    @GET
    @Path("credential/{key}")
    public Response credential(@PathParam("key") String key) {
        return client().credential(key).map(c -> Response.ok(AccountJson.toJson(c)).build())
                .orElseGet(() -> Response.status(404).build());
    }

    /** A bucket read through the cache. */
    @GET
    @Path("bucket/{name}")
    public Response bucket(@PathParam("name") String name) {
        return client().bucket(name).map(b -> Response.ok(AccountJson.toJson(b)).build())
                .orElseGet(() -> Response.status(404).build());
    }

    private static CachedManagerClient client() {
        CachedManagerClient c = client;
        if (c == null) {
            NodeConfig config = NodeConfig.current();
            ManagerInternalClient api = new ManagerInternalClient(HttpClient.newHttpClient(),
                    ClusterSecret.auth(config.dataDirectory()),
                    () -> URI.create(hazelcast().<String, String>getMap(ManagerLocation.MAP).get(ManagerLocation.ACTIVE)),
                    Duration.ofSeconds(10));
            c = new CachedManagerClient(api, name -> Optional.of(cache(name)));
            client = c;
        }
        return c;
    }

    private static Cache<String, String> cache(String name) {
        return AccountCaches.open(lookup("payara/CacheManager", CacheManager.class), name);
    }

    private static HazelcastInstance hazelcast() {
        return lookup("payara/Hazelcast", HazelcastInstance.class);
    }

    private static <T> T lookup(String name, Class<T> type) {
        try {
            return type.cast(new InitialContext().lookup(name));
        } catch (NamingException e) {
            throw new IllegalStateException(name, e);
        }
    }
}
