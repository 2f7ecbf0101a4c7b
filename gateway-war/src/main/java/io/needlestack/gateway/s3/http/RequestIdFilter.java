package io.needlestack.gateway.s3.http;

import io.needlestack.gateway.s3.error.S3ExceptionMapper;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.ext.Provider;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/** Gives every request an id and returns it as {@code x-amz-request-id} on every response, errors included. */
@Provider
@PreMatching
public class RequestIdFilter implements ContainerRequestFilter, ContainerResponseFilter {

    @Context
    private HttpServletRequest http;

    @Override
    public void filter(ContainerRequestContext request) {
        http.setAttribute(S3ExceptionMapper.REQUEST_ID, newId());
    }

    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        Object id = http.getAttribute(S3ExceptionMapper.REQUEST_ID);
        if (id == null) {
            id = newId();
            http.setAttribute(S3ExceptionMapper.REQUEST_ID, id);
        }
        response.getHeaders().putSingle("x-amz-request-id", id);
        response.getHeaders().putSingle("x-amz-id-2", id);
        response.getHeaders().putSingle("Server", "Needlestack");
    }

    static String newId() {
        byte[] b = new byte[8];
        ThreadLocalRandom.current().nextBytes(b);
        return HexFormat.of().withUpperCase().formatHex(b);
    }
}
