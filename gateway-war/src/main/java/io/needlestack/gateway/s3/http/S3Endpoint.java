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
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HEAD;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Context;
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
 * The S3 endpoint: every path under the gateway's root. Parses the target, authenticates, wraps
 * the body so that its verification completes before the last byte is handed on, and routes.
 * (A CDI scope is needed for injection into resources on Payara Server, see ARCHITECTURE.md.
 * Application scope, the request as a parameter: a request-scoped resource cost a bean creation
 * and a client-proxy lookup on every request, a measured few percent of a small GET.)
 */
@Path("/")
@ApplicationScoped
public class S3Endpoint {

    @Inject
    S3Authentication authentication;
    @Inject
    S3Router router;

    /** GET on the service, a bucket or an object. */
    @GET
    @Path("{path: .*}")
    public Response get(@Context HttpServletRequest http) {
        return serve(http, null);
    }

    /** HEAD on a bucket or an object. */
    @HEAD
    @Path("{path: .*}")
    public Response head(@Context HttpServletRequest http) {
        return serve(http, null);
    }

    /** PUT of a bucket, an object, a part, a copy. */
    @PUT
    @Path("{path: .*}")
    public Response put(@Context HttpServletRequest http, InputStream body) {
        return serve(http, body);
    }

    /** POST: multi-delete, multipart creation and completion. */
    @POST
    @Path("{path: .*}")
    public Response post(@Context HttpServletRequest http, InputStream body) {
        return serve(http, body);
    }

    /** DELETE of a bucket, an object, an upload. */
    @DELETE
    @Path("{path: .*}")
    public Response delete(@Context HttpServletRequest http) {
        return serve(http, null);
    }

    private Response serve(HttpServletRequest http, InputStream rawBody) {
        String rawPath = http.getRequestURI();
        String context = http.getContextPath();
        if (context != null && !context.isEmpty() && rawPath.startsWith(context)) {
            rawPath = rawPath.substring(context.length());
        }
        RequestTarget target = RequestTarget.parse(rawPath, http.getHeader("host"), authentication.domains());
        Map<String, List<String>> headers = headers(http);
        S3Request req = new S3Request(http.getMethod().toUpperCase(Locale.ROOT), target.bucket(), target.key(),
                http.getQueryString(), headers, (String) http.getAttribute(S3ExceptionMapper.REQUEST_ID));
        AuthResult auth = authentication.authenticate(http.getMethod(), rawPath, http.getQueryString(), headers,
                target.virtualHosted() ? target.bucket() : null);
        if (auth.anonymous()) {
            throw new S3Exception(S3ErrorCode.ACCESS_DENIED, null, req.resource());
        }
        long length = auth.decodedContentLength().orElse(-1);
        InputStream body = InputStream.nullInputStream();
        if (rawBody != null) {
            PayloadStream payload = auth.payload(rawBody);
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
            out.computeIfAbsent(name.toLowerCase(Locale.ROOT), n -> new ArrayList<>())
                    .addAll(Collections.list(http.getHeaders(name)));
        }
        return out;
    }
}
