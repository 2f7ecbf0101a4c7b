package io.needlestack.gateway.s3.auth;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** A request as a plain value: what the JAX-RS adapter will hand over. */
final class TestRequest implements SignedRequest {

    private final String method;
    private String rawPath;
    private String rawQuery;
    private final Map<String, List<String>> headers = new LinkedHashMap<>();

    TestRequest(String method, String rawPath, String rawQuery) {
        this.method = method;
        this.rawPath = rawPath;
        this.rawQuery = rawQuery;
    }

    TestRequest header(String name, String value) {
        headers.computeIfAbsent(name.toLowerCase(Locale.ROOT), k -> new ArrayList<>()).add(value);
        return this;
    }

    TestRequest replaceHeader(String name, String value) {
        headers.remove(name.toLowerCase(Locale.ROOT));
        return header(name, value);
    }

    TestRequest removeHeader(String name) {
        headers.remove(name.toLowerCase(Locale.ROOT));
        return this;
    }

    TestRequest path(String newRawPath) {
        this.rawPath = newRawPath;
        return this;
    }

    TestRequest query(String newRawQuery) {
        this.rawQuery = newRawQuery;
        return this;
    }

    @Override
    public String method() {
        return method;
    }

    @Override
    public String rawPath() {
        return rawPath;
    }

    @Override
    public String rawQuery() {
        return rawQuery;
    }

    @Override
    public List<String> headers(String lowerCaseName) {
        return headers.getOrDefault(lowerCaseName, List.of());
    }

    @Override
    public Set<String> headerNames() {
        return headers.keySet();
    }
}
