package io.needlestack.gateway.s3.auth;

import java.util.List;
import java.util.Map;
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

    /**
     * A request from its raw parts, as the HTTP layer has them.
     *
     * @param headers every header's values by lower-case name
     */
    static SignedRequest of(String method, String rawPath, String rawQuery, Map<String, List<String>> headers) {
        record Raw(String method, String rawPath, String rawQuery, Map<String, List<String>> all) implements SignedRequest {
            @Override
            public List<String> headers(String lowerCaseName) {
                return all.getOrDefault(lowerCaseName, List.of());
            }

            @Override
            public Set<String> headerNames() {
                return all.keySet();
            }
        }
        return new Raw(method.toUpperCase(java.util.Locale.ROOT), rawPath, rawQuery, headers);
    }
}
