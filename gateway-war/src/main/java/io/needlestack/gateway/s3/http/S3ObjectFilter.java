package io.needlestack.gateway.s3.http;

import io.needlestack.core.config.NodeConfig;
import io.needlestack.gateway.internal.InternalProtocol;
import io.needlestack.gateway.node.ConnectionAbort;
import io.needlestack.gateway.s3.error.S3ExceptionMapper;
import jakarta.inject.Inject;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The object data path: answers every request that names an object (GetObject, HeadObject,
 * PutObject, CopyObject, DeleteObject, the multipart calls on a key) as a plain servlet filter,
 * with the same {@link S3Dispatch}, operations and error rendering as the JAX-RS
 * {@link S3Endpoint}, which keeps the service and bucket requests.
 *
 * <p>Why outside JAX-RS: profiling a 4 KiB GET showed Jersey's request and response processing
 * (resource matching, request scope, message body writers, response filters) at about a quarter
 * of the node's CPU per request, more than the storage read itself. Object requests carry
 * either no entity, an XML document as bytes or a {@link StreamingOutput}, so rendering them
 * here needs no message body writers.
 *
 * <p>Requests on the internal port, and paths under {@code /_} (no bucket name starts with an
 * underscore), are left to the chain: the internal plane and the node's own resources.
 */
@WebFilter(urlPatterns = "/*", asyncSupported = true)
public class S3ObjectFilter extends HttpFilter {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = Logger.getLogger(S3ObjectFilter.class.getName());

    @Inject
    transient S3Dispatch dispatch;

    private transient int internalPort;
    private transient boolean enabled;

    @Override
    public void init(FilterConfig config) {
        NodeConfig node = NodeConfig.current();
        internalPort = InternalProtocol.port(node);
        // Off: every S3 request goes through JAX-RS (for comparison runs).
        enabled = node.get("needlestack.s3.object-filter").map(Boolean::parseBoolean).orElse(true);
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (!enabled || request.getLocalPort() == internalPort) {
            chain.doFilter(request, response);
            return;
        }
        String path = S3Dispatch.rawPath(request);
        if (path.startsWith("/_")) {
            chain.doFilter(request, response);
            return;
        }
        RequestTarget target;
        try {
            target = dispatch.target(request);
        } catch (RuntimeException e) {
            chain.doFilter(request, response); // JAX-RS answers the malformed path with the same error
            return;
        }
        if (target.key() == null) {
            chain.doFilter(request, response);
            return;
        }
        String requestId = RequestIdFilter.newId();
        request.setAttribute(S3ExceptionMapper.REQUEST_ID, requestId);
        boolean head = "HEAD".equalsIgnoreCase(request.getMethod());
        Response answer;
        try {
            answer = dispatch.serve(request, target, hasBody(request) ? request.getInputStream() : null);
        } catch (RuntimeException | Error e) {
            answer = S3ExceptionMapper.render(e, request);
        }
        try {
            write(answer, response, requestId, head);
        } catch (RuntimeException | IOException e) {
            if (response.isCommitted()) {
                // Headers are out: the client must see a short body, at once, not a stall.
                LOG.log(Level.FINE, "request " + requestId + ": answer broken off", e);
                ConnectionAbort.abort(response);
                throw e instanceof IOException io ? io : new IOException(e);
            }
            if (answer.getEntity() == null || answer.getEntity() instanceof byte[]) {
                // Writing bytes already in hand fails only when the client's connection is gone
                // (it closed it mid-body, for one): nobody is left to answer.
                LOG.log(Level.FINE, "request " + requestId + ": the client is gone", e);
                return;
            }
            response.reset();
            write(S3ExceptionMapper.render(e, request), response, requestId, head);
        }
    }

    /** PUT and POST carry a body; the other methods' bodies are never read, as in JAX-RS. */
    private static boolean hasBody(HttpServletRequest request) {
        String m = request.getMethod();
        return "PUT".equalsIgnoreCase(m) || "POST".equalsIgnoreCase(m);
    }

    /** Writes a JAX-RS answer of the kinds S3 operations give: no entity, bytes or a stream. */
    static void write(Response answer, HttpServletResponse out, String requestId, boolean head) throws IOException {
        out.setStatus(answer.getStatus());
        boolean length = false;
        for (Map.Entry<String, List<String>> h : answer.getStringHeaders().entrySet()) {
            length |= h.getKey().equalsIgnoreCase("Content-Length");
            for (String v : h.getValue()) {
                out.addHeader(h.getKey(), v);
            }
        }
        out.setHeader("x-amz-request-id", requestId);
        out.setHeader("x-amz-id-2", requestId);
        out.setHeader("Server", "Needlestack");
        Object entity = answer.getEntity();
        if (entity == null) {
            if (!length && answer.getStatus() != 304) {
                out.setContentLength(0);
            }
            return;
        }
        if (entity instanceof byte[] bytes) {
            out.setContentLength(bytes.length);
            if (!head) {
                out.getOutputStream().write(bytes);
            }
        } else if (entity instanceof StreamingOutput stream) {
            if (!head) {
                OutputStream os = out.getOutputStream();
                stream.write(os);
            }
        } else if (entity instanceof InputStream in) {
            try (in) {
                if (!head) {
                    in.transferTo(out.getOutputStream());
                }
            }
        } else {
            throw new IllegalStateException("no writer for an entity of " + entity.getClass());
        }
    }
}
