package io.needlestack.gateway.s3.http;

import io.needlestack.gateway.s3.auth.AuthResult;
import io.needlestack.gateway.s3.auth.PayloadStream;
import io.needlestack.gateway.s3.auth.S3PayloadException;
import io.needlestack.gateway.s3.error.S3ErrorCode;
import io.needlestack.gateway.s3.error.S3Exception;
import io.needlestack.gateway.s3.error.S3ExceptionMapper;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One S3 request from the servlet request to the operation's answer: parses the target,
 * authenticates, wraps the body so that its verification completes before the last byte is
 * handed on, and routes. Shared by the two front doors: the JAX-RS {@link S3Endpoint} (service
 * and bucket requests) and the servlet {@link S3ObjectFilter} (object requests).
 */
@ApplicationScoped
public class S3Dispatch {

    @Inject
    S3Authentication authentication;
    @Inject
    S3Router router;

    /** The path after the context path, still percent-encoded. */
    static String rawPath(HttpServletRequest http) {
        String rawPath = http.getRequestURI();
        String context = http.getContextPath();
        if (context != null && !context.isEmpty() && rawPath.startsWith(context)) {
            rawPath = rawPath.substring(context.length());
        }
        return rawPath;
    }

    /** The bucket and key {@code http} names. */
    RequestTarget target(HttpServletRequest http) {
        return RequestTarget.parse(rawPath(http), http.getHeader("host"), authentication.domains());
    }

    /**
     * Answers {@code http}.
     *
     * @param rawBody the request body, or null for methods without one
     */
    public Response serve(HttpServletRequest http, InputStream rawBody) {
        return serve(http, target(http), rawBody);
    }

    Response serve(HttpServletRequest http, RequestTarget target, InputStream rawBody) {
        String rawPath = rawPath(http);
        Map<String, List<String>> headers = headers(http);
        S3Request req = new S3Request(http.getMethod().toUpperCase(Locale.ROOT), target.bucket(), target.key(),
                http.getQueryString(), headers, (String) http.getAttribute(S3ExceptionMapper.REQUEST_ID));
        req.addressedAs(scheme(http), host(http), target.virtualHosted());
        AuthResult auth = authentication.authenticate(http.getMethod(), rawPath, http.getQueryString(), headers,
                target.virtualHosted() ? target.bucket() : null);
        if (auth.anonymous()) {
            throw new S3Exception(S3ErrorCode.ACCESS_DENIED, null, req.resource());
        }
        long length = auth.decodedContentLength().orElse(-1);
        InputStream body = InputStream.nullInputStream();
        if (rawBody != null) {
            PayloadStream payload = auth.payload(new ClientBody(rawBody));
            if (length == 0) {
                verifyEmpty(payload);
            }
            body = payload;
        } else {
            length = 0;
        }
        req.authenticated(authentication.principal(auth), body, length);
        return router.route(req);
    }

    /**
     * The scheme the client used: a TLS-terminating proxy in front says it in
     * {@code X-Forwarded-Proto}, since the node itself then sees plain HTTP.
     */
    static String scheme(HttpServletRequest http) {
        String forwarded = http.getHeader("x-forwarded-proto");
        if (forwarded != null) {
            String first = forwarded.split(",", 2)[0].trim().toLowerCase(Locale.ROOT);
            if (first.equals("https") || first.equals("http")) {
                return first;
            }
        }
        return http.getScheme();
    }

    /** The Host the client sent; an HTTP/1.0 request without one gets the address it reached. */
    static String host(HttpServletRequest http) {
        String host = http.getHeader("host");
        if (host != null && !host.isBlank()) {
            return host.trim();
        }
        String name = http.getServerName();
        return (name.indexOf(':') >= 0 ? "[" + name + "]" : name) + ":" + http.getServerPort();
    }

    /** An empty payload still has its digest, signature and trailer to check. */
    private static void verifyEmpty(PayloadStream payload) {
        try {
            payload.verifyComplete();
        } catch (S3PayloadException e) {
            throw e.toS3Exception();
        } catch (IOException e) {
            throw new S3Exception(S3ErrorCode.INCOMPLETE_BODY);
        }
    }

    private static Map<String, List<String>> headers(HttpServletRequest http) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (String name : Collections.list(http.getHeaderNames())) {
            out.computeIfAbsent(name.toLowerCase(Locale.ROOT), n -> new ArrayList<>(1))
                    .addAll(Collections.list(http.getHeaders(name)));
        }
        return out;
    }
}
