package io.needlestack.gateway.internal;

import io.needlestack.core.config.NodeConfig;
import io.needlestack.core.internal.ClusterSecret;
import io.needlestack.core.internal.InternalAuth;
import io.needlestack.core.internal.InternalAuthException;
import io.needlestack.gateway.cluster.tombstone.TombstonePurger;
import io.needlestack.gateway.object.cache.CacheCoherence;
import io.needlestack.storage.service.StorageService;
import jakarta.ejb.EJB;
import jakarta.inject.Inject;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

/**
 * Keeps the two listeners apart and authenticates the internal plane, before any JAX-RS code
 * runs: {@code /_internal} answers only on the internal port (404 elsewhere, as if it did not
 * exist), the internal port serves nothing else (404), and an internal request whose HMAC does
 * not verify gets 403 without its body being read.
 *
 * <p>A servlet filter rather than a JAX-RS one, because the S3 application at {@code /} would
 * otherwise see internal paths as bucket names on the S3 port. An authenticated needle request
 * is answered here by {@code InternalNeedleEndpoint}, without JAX-RS; the other internal
 * requests go on to their JAX-RS resources.
 */
@WebFilter(urlPatterns = "/*", asyncSupported = true)
public class InternalPlaneFilter extends HttpFilter {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = Logger.getLogger(InternalPlaneFilter.class.getName());
    private static final long OVERLOAD_WARNING_INTERVAL_NANOS = 10_000_000_000L;

    private final AtomicLong lastOverloadWarning = new AtomicLong(System.nanoTime() - OVERLOAD_WARNING_INTERVAL_NANOS);

    @EJB
    private transient StorageService storage;
    @Inject
    transient TombstonePurger purger;
    @Inject
    transient CacheCoherence coherence;

    private transient int internalPort;
    private transient volatile InternalAuth auth;
    private transient InternalNeedleEndpoint needles;

    @Override
    public void init(FilterConfig config) {
        internalPort = InternalProtocol.port(NodeConfig.current());
        needles = new InternalNeedleEndpoint(storage, () -> purger, () -> coherence);
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        String uri = request.getRequestURI();
        String path = uri.substring(Math.min(uri.length(), request.getContextPath().length()));
        boolean internalPath = path.equals(InternalProtocol.ROOT) || path.startsWith(InternalProtocol.ROOT + "/");
        boolean internalPort = request.getLocalPort() == this.internalPort;
        if (internalPath != internalPort) {
            refuse(response, 404, "NotFound", "no such resource on this port", false);
            return;
        }
        if (internalPath) {
            String target = uri + (request.getQueryString() == null ? "" : "?" + request.getQueryString());
            try {
                auth().verify(request.getMethod(), target, request.getHeader(InternalAuth.DATE_HEADER),
                        request.getHeader(InternalAuth.NONCE_HEADER), request.getHeader(InternalAuth.SIGNATURE_HEADER));
            } catch (InternalAuthException e) {
                if (e.reason() == InternalAuthException.Reason.OVERLOADED) {
                    // Correctly signed, but the replay memory is full: a matter of load, so the
                    // sender may try again (and counts this replica as not answering meanwhile).
                    long now = System.nanoTime();
                    long last = lastOverloadWarning.get();
                    if (now - last > OVERLOAD_WARNING_INTERVAL_NANOS && lastOverloadWarning.compareAndSet(last, now)) {
                        LOG.warning("internal requests refused: the replay memory is full (raise "
                                + ClusterSecret.MAX_NONCES_PROPERTY + " or lower " + ClusterSecret.SKEW_PROPERTY + ")");
                    }
                    refuse(response, 503, "SlowDown", "replay memory full, try again", true);
                    return;
                }
                LOG.info(() -> "internal request refused: " + request.getMethod() + " " + target + " from "
                        + request.getRemoteAddr() + ": " + e.getMessage());
                refuse(response, 403, "AccessDenied", "internal request not authenticated", false);
                return;
            }
            if (needles.serve(path, request, response)) {
                return;
            }
        }
        // The S3 API, and the internal requests JAX-RS serves (the account cache invalidation).
        chain.doFilter(request, response);
    }

    private InternalAuth auth() {
        InternalAuth a = auth;
        if (a == null) {
            synchronized (this) {
                if (auth == null) {
                    // One verifier per node: its replay memory must see every internal request.
                    auth = ClusterSecret.auth(NodeConfig.current().dataDirectory());
                }
                a = auth;
            }
        }
        return a;
    }

    private static void refuse(HttpServletResponse response, int status, String code, String message,
                               boolean retryable) throws IOException {
        byte[] body = NeedleJson.error(code, message, retryable).getBytes(StandardCharsets.UTF_8);
        response.setStatus(status);
        response.setContentType("application/json");
        response.setHeader(InternalProtocol.RETRYABLE_HEADER, Boolean.toString(retryable));
        // The request body was not read: the connection cannot carry another request.
        response.setHeader("Connection", "close");
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }
}
