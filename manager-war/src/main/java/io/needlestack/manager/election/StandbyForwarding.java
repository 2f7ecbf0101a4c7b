package io.needlestack.manager.election;

import io.needlestack.manager.api.ErrorMapper;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.Provider;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * On a standby manager, forwards every admin API request (any verb, body and credentials as
 * they came) to the active manager and answers with its reply, marked by the header
 * {@value #MANAGER_HEADER} naming the manager that answered. So {@code needlestack-adm} works
 * against any manager node, and nothing is ever written by a standby. When no active manager is
 * known or it cannot be reached (a take-over is under way), answers 503 {@code NoActiveManager}
 * with the last known address; a request that was already forwarded once is never forwarded
 * again (503 {@code NotActiveManager}), so two standbys cannot bounce it between them.
 */
@Provider
@PreMatching
@Priority(Priorities.AUTHENTICATION - 100)
@ApplicationScoped
public class StandbyForwarding implements ContainerRequestFilter {

    private static final Logger LOG = Logger.getLogger(StandbyForwarding.class.getName());
    /** Set on a forwarded request: the node id of the standby that forwarded it. */
    public static final String FORWARDED_HEADER = "X-Needlestack-Forwarded-By";
    /** Set on a forwarded answer: the base URL of the manager that answered. */
    public static final String MANAGER_HEADER = "X-Needlestack-Manager";
    private static final int MAX_BODY = 1 << 20;
    private static final List<String> PASSED = List.of(HttpHeaders.AUTHORIZATION, HttpHeaders.CONTENT_TYPE,
            HttpHeaders.ACCEPT);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3))
            .version(HttpClient.Version.HTTP_1_1).build();

    @Inject
    ManagerRole role;

    @Override
    public void filter(ContainerRequestContext request) throws IOException {
        if (role.active()) {
            return;
        }
        Optional<String> active = role.activeEndpoint();
        if (request.getHeaderString(FORWARDED_HEADER) != null) {
            request.abortWith(refusal("NotActiveManager", "node " + role.nodeId()
                    + " is a standby manager too (forwarded by " + request.getHeaderString(FORWARDED_HEADER) + ")", active));
            return;
        }
        if (active.isEmpty()) {
            request.abortWith(refusal("NoActiveManager", "no manager holds the lease right now (a take-over "
                    + "happens within " + role.lease().toMillis() + " ms of the last renewal): try again", active));
            return;
        }
        URI in = request.getUriInfo().getRequestUri();
        URI target = URI.create(active.get() + in.getRawPath() + (in.getRawQuery() == null ? "" : "?" + in.getRawQuery()));
        byte[] body = readBody(request.getEntityStream());
        HttpRequest.Builder b = HttpRequest.newBuilder(target).timeout(Duration.ofSeconds(120))
                .method(request.getMethod(), body.length == 0 ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body))
                .header(FORWARDED_HEADER, role.nodeId());
        for (String h : PASSED) {
            String v = request.getHeaderString(h);
            if (v != null) {
                b.header(h, v);
            }
        }
        try {
            HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
            Response.ResponseBuilder out = Response.status(r.statusCode()).entity(r.body())
                    .header(MANAGER_HEADER, active.get());
            r.headers().firstValue(HttpHeaders.CONTENT_TYPE).ifPresent(ct -> out.header(HttpHeaders.CONTENT_TYPE, ct));
            r.headers().firstValue(HttpHeaders.WWW_AUTHENTICATE).ifPresent(v -> out.header(HttpHeaders.WWW_AUTHENTICATE, v));
            request.abortWith(out.build());
        } catch (IOException e) {
            LOG.info(() -> "standby " + role.nodeId() + " could not reach the active manager at " + active.get() + ": " + e);
            request.abortWith(refusal("NoActiveManager", "the active manager at " + active.get()
                    + " does not answer (" + e.getClass().getSimpleName() + "); a standby takes over within "
                    + role.lease().toMillis() + " ms of its last renewal: try again", active));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            request.abortWith(refusal("NoActiveManager", "interrupted while forwarding", active));
        }
    }

    private static byte[] readBody(InputStream in) throws IOException {
        if (in == null) {
            return new byte[0];
        }
        byte[] b = in.readNBytes(MAX_BODY + 1);
        if (b.length > MAX_BODY) {
            throw new IOException("admin request body larger than " + MAX_BODY + " bytes");
        }
        return b;
    }

    private static Response refusal(String code, String message, Optional<String> active) {
        Response r = ErrorMapper.error(503, code, message);
        return active.map(a -> Response.fromResponse(r).header(MANAGER_HEADER, a).build()).orElse(r);
    }
}
