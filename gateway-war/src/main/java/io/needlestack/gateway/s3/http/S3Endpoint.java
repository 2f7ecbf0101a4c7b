package io.needlestack.gateway.s3.http;

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
import java.io.InputStream;

/**
 * The S3 endpoint for the service and its buckets (every path under the gateway's root that
 * {@link S3ObjectFilter} leaves to JAX-RS); {@link S3Dispatch} does the work.
 * (A CDI scope is needed for injection into resources on Payara Server, see ARCHITECTURE.md.
 * Application scope, the request as a parameter: a request-scoped resource cost a bean creation
 * and a client-proxy lookup on every request, a measured few percent of a small GET.)
 */
@Path("/")
@ApplicationScoped
public class S3Endpoint {

    @Inject
    S3Dispatch dispatch;

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
        return dispatch.serve(http, rawBody);
    }
}
