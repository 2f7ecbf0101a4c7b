package io.needlestack.gateway.s3.error;

import io.needlestack.gateway.s3.auth.S3PayloadException;
import io.needlestack.gateway.s3.xml.XmlWriter;
import io.needlestack.storage.store.CorruptNeedleException;
import io.needlestack.storage.store.DataLengthException;
import io.needlestack.storage.store.NeedleStoreException;
import io.needlestack.storage.store.StoreFullException;
import jakarta.ejb.EJBException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.io.EOFException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The one place failures become HTTP answers: every throwable that leaves an S3 operation is
 * turned into an {@link S3Exception} and rendered as S3's XML error document (Code, Message,
 * Resource, RequestId, details) with the error's status. Never a stack trace; unexpected failures
 * are logged with the request id and answered with InternalError.
 */
@Provider
public class S3ExceptionMapper implements ExceptionMapper<Throwable> {

    /** Servlet request attribute holding the request id (set by the request-id filter). */
    public static final String REQUEST_ID = "needlestack.requestId";

    private static final Logger LOG = Logger.getLogger(S3ExceptionMapper.class.getName());

    @Context
    private HttpServletRequest http;

    @Override
    public Response toResponse(Throwable t) {
        return render(t, http);
    }

    /**
     * The error answer for {@code t}: also used by the servlet data path
     * ({@code S3ObjectFilter}), which answers object requests without JAX-RS.
     *
     * @param http the request (its method and request id), or null
     */
    public static Response render(Throwable t, HttpServletRequest http) {
        String requestId = http == null ? null : (String) http.getAttribute(REQUEST_ID);
        S3Exception e = translate(t, requestId);
        String resource = e.resource() != null ? e.resource() : http == null ? null : http.getRequestURI();
        Response.ResponseBuilder r = Response.status(e.errorCode().httpStatus());
        if (http != null && "HEAD".equals(http.getMethod()) || e.errorCode().httpStatus() == 304) {
            return r.build();
        }
        XmlWriter doc = XmlWriter.document("Error", null);
        doc.element("Code", e.errorCode().code()).element("Message", e.getMessage()).element("Resource", resource);
        e.details().forEach(doc::element);
        doc.element("RequestId", requestId);
        return r.entity(doc.toBytes()).type("application/xml").build();
    }

    /** The S3 error a failure stands for. */
    static S3Exception translate(Throwable t, String requestId) {
        Throwable c = t;
        while (c instanceof EJBException && c.getCause() != null) {
            c = c.getCause();
        }
        if (c instanceof S3Exception s) {
            return s;
        }
        for (Throwable x = c; x != null && x.getCause() != x; x = x.getCause()) {
            if (x instanceof S3PayloadException p) {
                return p.toS3Exception();
            }
        }
        if (c instanceof StoreFullException) {
            return new S3Exception(S3ErrorCode.SERVICE_UNAVAILABLE,
                    "The storage node is out of free space: writes are refused, reads go on.");
        }
        if (c instanceof DataLengthException || c instanceof EOFException) {
            return new S3Exception(S3ErrorCode.INCOMPLETE_BODY);
        }
        if (c instanceof NeedleStoreException n && !(c instanceof CorruptNeedleException) && n.retryable()) {
            LOG.log(Level.WARNING, "request " + requestId + ": storage unavailable", c);
            return new S3Exception(S3ErrorCode.SERVICE_UNAVAILABLE, "Storage is unavailable, please retry.");
        }
        if (c instanceof WebApplicationException w) {
            int status = w.getResponse().getStatus();
            if (status == 405) {
                return new S3Exception(S3ErrorCode.METHOD_NOT_ALLOWED);
            }
            if (status >= 400 && status < 500) {
                return new S3Exception(S3ErrorCode.INVALID_REQUEST, w.getMessage());
            }
        }
        LOG.log(Level.SEVERE, "request " + requestId + " failed", c);
        return new S3Exception(S3ErrorCode.INTERNAL_ERROR);
    }
}
