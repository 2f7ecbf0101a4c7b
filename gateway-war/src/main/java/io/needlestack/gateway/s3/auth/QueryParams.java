package io.needlestack.gateway.s3.auth;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** A raw query string split into (decoded name, decoded value) pairs, in order. */
final class QueryParams {

    /** One parameter; value is "" for {@code ?acl} as for {@code ?acl=}. */
    record Param(String name, String value, boolean hasEquals) {
    }

    private final List<Param> params;

    private QueryParams(List<Param> params) {
        this.params = params;
    }

    static QueryParams parse(String rawQuery) {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return new QueryParams(List.of());
        }
        List<Param> out = new ArrayList<>();
        for (String part : rawQuery.split("&")) {
            if (part.isEmpty()) {
                continue;
            }
            int eq = part.indexOf('=');
            if (eq < 0) {
                out.add(new Param(UriEncoding.decode(part), "", false));
            } else {
                out.add(new Param(UriEncoding.decode(part.substring(0, eq)),
                        UriEncoding.decode(part.substring(eq + 1)), true));
            }
        }
        return new QueryParams(Collections.unmodifiableList(out));
    }

    List<Param> all() {
        return params;
    }

    /** The first value of a parameter (names are case-sensitive, as in S3), or null. */
    String get(String name) {
        for (Param p : params) {
            if (p.name().equals(name)) {
                return p.value();
            }
        }
        return null;
    }

    boolean has(String name) {
        return get(name) != null;
    }
}
