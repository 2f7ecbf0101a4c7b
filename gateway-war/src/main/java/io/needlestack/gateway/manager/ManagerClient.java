package io.needlestack.gateway.manager;

import io.needlestack.core.platform.PlatformServices;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;

import io.needlestack.core.account.AccountCaches;
import io.needlestack.core.account.AccountException;
import io.needlestack.core.account.BucketConflictException;
import io.needlestack.core.account.BucketInfo;
import io.needlestack.core.account.Credential;
import io.needlestack.core.account.ManagerUnavailableException;
import io.needlestack.core.config.NodeConfig;
import io.needlestack.core.internal.CachedManagerClient;
import io.needlestack.core.internal.ClusterSecret;
import io.needlestack.core.internal.ManagerInternalClient;
import io.needlestack.core.internal.ManagerLocation;

/**
 * What the S3 layer asks the manager: credentials by access key and bucket records.
 *
 * <p>Reads go through the distributed caches {@link AccountCaches#CREDENTIALS} and
 * {@link AccountCaches#BUCKETS} ({@link CachedManagerClient}: JSON strings shared by all
 * gateways, removed by the manager on every change before it answers); a miss calls the
 * active manager's internal API, signed with the cluster secret. Without Payara's Hazelcast
 * (e.g. {@code --nocluster}) every read calls the manager.
 *
 * <p>In front of those caches, decoded records are kept in this JVM for
 * {@code needlestack.account.cache.local.seconds} (default {@value #DEFAULT_LOCAL_SECONDS}; 0
 * switches it off). The manager drops them on every gateway after each change
 * ({@link #invalidate}, called by {@link AccountInvalidationResource}) and waits for the answers.
 *
 * <p>The manager is found in the Hazelcast map {@link ManagerLocation#MAP}, key
 * {@link ManagerLocation#ACTIVE}; without an entry, {@code http://127.0.0.1:<needlestack.http.port>}.
 *
 * <p>Settings: {@code needlestack.manager.timeout.ms} (per request, default 5000). Errors:
 * {@link ManagerUnavailableException} (retryable: answer 503), {@link BucketConflictException},
 * {@link AccountException} with a stable code.
 */
@ApplicationScoped
public class ManagerClient {

    private static final Logger LOG = Logger.getLogger(ManagerClient.class.getName());

    /** Setting: seconds a credential or bucket record is answered from this JVM's near cache. */
    public static final String LOCAL_SECONDS = "needlestack.account.cache.local.seconds";
    /** Default of {@link #LOCAL_SECONDS}. */
    public static final long DEFAULT_LOCAL_SECONDS = 5;

    /**
     * Builds the caller's own credential type from the four values S3 signatures need, e.g.
     * {@code managerClient.signingKey(id, Credential::new)} for a record
     * {@code Credential(accessKeyId, secretKey, userId, displayName)}.
     *
     * @param <T> the caller's credential type
     */
    @FunctionalInterface
    public interface KeyFactory<T> {
        /** The credential from its four values. */
        T create(String accessKeyId, String secretKey, String userId, String displayName);
    }

    private final PlatformServices directory = new PlatformServices();
    private NodeConfig config;
    private CachedManagerClient client;

    @PostConstruct
    void init() {
        config = NodeConfig.current();
        Duration timeout = Duration.ofMillis(config.getLong("needlestack.manager.timeout.ms", 5000));
        HttpClient http = HttpClient.newBuilder().connectTimeout(timeout).version(HttpClient.Version.HTTP_1_1).build();
        ManagerInternalClient api = new ManagerInternalClient(http, ClusterSecret.auth(config.dataDirectory()),
                this::managerBase, timeout);
        Duration local = Duration.ofSeconds(Math.max(0, config.getLong(LOCAL_SECONDS, DEFAULT_LOCAL_SECONDS)));
        client = new CachedManagerClient(api, name -> directory.cacheManager().map(cm -> AccountCaches.open(cm, name)),
                local);
    }

    /**
     * Drops {@code keys} from this node's near cache of {@code cacheName}
     * ({@link AccountCaches#CREDENTIALS} or {@link AccountCaches#BUCKETS}).
     *
     * @throws IllegalArgumentException for another cache name
     */
    public void invalidate(String cacheName, Collection<String> keys) {
        client.invalidate(cacheName, keys);
    }

    /** An access key's credential, also when inactive (see {@link Credential#active()}); empty when unknown. */
    public Optional<Credential> credential(String accessKeyId) {
        return client.credential(accessKeyId);
    }

    /**
     * The signing values of an active access key; empty when the key is unknown or it or its
     * user is disabled.
     */
    public <T> Optional<T> signingKey(String accessKeyId, KeyFactory<T> factory) {
        return credential(accessKeyId).filter(Credential::active)
                .map(c -> factory.create(c.accessKeyId(), c.secretKey(), c.userId(), c.displayName()));
    }

    /** A bucket's record; empty when there is no such bucket. */
    public Optional<BucketInfo> bucket(String name) {
        return client.bucket(name);
    }

    /** The buckets a user owns, by name (always asked of the manager: ListBuckets must be exact). */
    public List<BucketInfo> buckets(String ownerId) {
        return client.buckets(ownerId);
    }

    /**
     * Creates a bucket record.
     *
     * @throws BucketConflictException {@code BucketAlreadyExists} or {@code BucketAlreadyOwnedByYou}
     * @throws AccountException e.g. {@code InvalidBucketName}, {@code NoSuchUser}
     */
    public BucketInfo createBucket(String name, String ownerId, String region) {
        return client.createBucket(name, ownerId, region);
    }

    /**
     * Deletes a bucket record; the caller has checked that the bucket is empty.
     *
     * @return false when there was no such bucket
     */
    public boolean deleteBucket(String name) {
        return client.deleteBucket(name);
    }

    private URI managerBase() {
        Optional<String> published = Optional.empty();
        try {
            published = directory.hazelcast()
                    .map(hz -> hz.<String, String>getMap(ManagerLocation.MAP).get(ManagerLocation.ACTIVE));
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "no manager address in Hazelcast", e);
        }
        return URI.create(published.orElseGet(() -> "http://127.0.0.1:" + config.httpPort()));
    }
}
