package io.needlestack.core.internal;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

import io.needlestack.core.account.AccountException;
import io.needlestack.core.account.AccountJson;
import io.needlestack.core.account.BucketConflictException;
import io.needlestack.core.account.BucketInfo;
import io.needlestack.core.account.Credential;
import io.needlestack.core.account.ManagerUnavailableException;

/**
 * The manager's internal API over HTTP, every request signed with {@link InternalAuth}. No
 * caching and no discovery: the caller supplies the manager's base URL per request and caches
 * what it wants to (the gateway's {@code ManagerClient} does both).
 *
 * <p>Every input travels in the path and query string, which the signature covers; requests
 * have no body.
 */
public final class ManagerInternalClient {

    private final HttpClient http;
    private final InternalAuth auth;
    private final Supplier<URI> base;
    private final Duration timeout;

    /**
     * @param http the HTTP client (its connect timeout applies to connections)
     * @param auth the signer keyed with the cluster secret
     * @param base supplies the manager's base URL ({@code http://host:port}) for each request
     * @param timeout the time limit of each request
     */
    public ManagerInternalClient(HttpClient http, InternalAuth auth, Supplier<URI> base, Duration timeout) {
        this.http = Objects.requireNonNull(http, "http");
        this.auth = Objects.requireNonNull(auth, "auth");
        this.base = Objects.requireNonNull(base, "base");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
    }

    /** The credential of an access key, also when inactive; empty when the key is unknown. */
    public Optional<Credential> credential(String accessKeyId) {
        Reply r = send("GET", "/credentials/" + segment(accessKeyId));
        return switch (r.status) {
            case 200 -> Optional.of(AccountJson.credential(r.body));
            case 404 -> Optional.empty();
            default -> throw unexpected(r);
        };
    }

    /** A bucket's record; empty when there is no such bucket. */
    public Optional<BucketInfo> bucket(String name) {
        Reply r = send("GET", "/buckets/" + segment(name));
        return switch (r.status) {
            case 200 -> Optional.of(AccountJson.bucket(r.body));
            case 404 -> Optional.empty();
            default -> throw unexpected(r);
        };
    }

    /** The buckets a user owns, by name. */
    public List<BucketInfo> buckets(String ownerId) {
        Reply r = send("GET", "/buckets?owner=" + query(ownerId));
        if (r.status == 200) {
            return AccountJson.buckets(r.body);
        }
        throw unexpected(r);
    }

    /**
     * Creates a bucket.
     *
     * @throws BucketConflictException when the name is taken (by the owner or someone else)
     * @throws AccountException e.g. {@code InvalidBucketName}, {@code NoSuchUser}
     */
    public BucketInfo createBucket(String name, String ownerId, String region) {
        Reply r = send("PUT", "/buckets/" + segment(name) + "?owner=" + query(ownerId) + "&region=" + query(region));
        if (r.status == 200 || r.status == 201) {
            return AccountJson.bucket(r.body);
        }
        if (r.status == 409) {
            BucketConflictException c = BucketConflictException.fromCode(AccountJson.errorCode(r.body, ""), name);
            if (c != null) {
                throw c;
            }
        }
        throw unexpected(r);
    }

    /**
     * Deletes a bucket's record (the caller has checked that it is empty).
     *
     * @return false when there was no such bucket
     */
    public boolean deleteBucket(String name) {
        Reply r = send("DELETE", "/buckets/" + segment(name));
        return switch (r.status) {
            case 200, 204 -> true;
            case 404 -> false;
            default -> throw unexpected(r);
        };
    }

    private record Reply(int status, String body) {
    }

    private Reply send(String method, String relative) {
        URI root = base.get();
        String target = trimSlash(root.getRawPath()) + ManagerLocation.INTERNAL_PATH + relative;
        URI uri = root.resolve(target);
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(timeout)
                .method(method, HttpRequest.BodyPublishers.noBody())
                .header("Accept", "application/json");
        auth.sign(method, target).forEach(b::header);
        try {
            HttpResponse<String> resp = http.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            if (resp.statusCode() >= 500) {
                throw new ManagerUnavailableException("manager answered " + resp.statusCode() + " to "
                        + method + " " + target, null);
            }
            return new Reply(resp.statusCode(), resp.body());
        } catch (IOException e) {
            throw new ManagerUnavailableException("manager at " + root + " unreachable: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ManagerUnavailableException("interrupted while calling the manager", e);
        }
    }

    private static AccountException unexpected(Reply r) {
        String fallback = r.status == 403 ? "InternalAuthRefused" : "UnexpectedStatus" + r.status;
        String code = AccountJson.errorCode(r.body, fallback);
        return new AccountException(code, "manager answered " + r.status + ": " + r.body);
    }

    private static String trimSlash(String p) {
        if (p == null) {
            return "";
        }
        return p.endsWith("/") ? p.substring(0, p.length() - 1) : p;
    }

    static String segment(String s) {
        return URLEncoder.encode(Objects.requireNonNull(s), StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String query(String s) {
        return segment(s);
    }
}
