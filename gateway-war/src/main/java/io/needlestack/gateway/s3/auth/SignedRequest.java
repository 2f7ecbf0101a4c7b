package io.needlestack.gateway.s3.auth;

import java.util.List;
import java.util.Set;

/**
 * The parts of an HTTP request that a signature covers, exactly as they arrived. The JAX-RS layer
 * adapts its request to this; nothing here may be decoded or normalised, since the client signed
 * the bytes it sent.
 */
public interface SignedRequest {

    /** The HTTP method, upper case. */
    String method();

    /** The request path exactly as sent: still percent-encoded, without the query. */
    String rawPath();

    /** The query string exactly as sent, without the '?'; null when there is none. */
    String rawQuery();

    /** Every value of a header, in the order received; empty when absent. */
    List<String> headers(String lowerCaseName);

    /** The names of the headers present, lower case. */
    Set<String> headerNames();

    /** The first value of a header, or null. */
    default String header(String lowerCaseName) {
        List<String> values = headers(lowerCaseName);
        return values == null || values.isEmpty() ? null : values.get(0);
    }
}
