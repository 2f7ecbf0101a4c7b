package io.needlestack.gateway.s3.auth;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The Content-Encoding to store with an object: S3 drops {@code aws-chunked}, which only describes
 * the transfer, and keeps the rest (e.g. {@code gzip}) in the order sent.
 */
public final class ContentEncodings {

    private ContentEncodings() {
    }

    /**
     * The Content-Encoding to store, or empty when nothing but {@code aws-chunked} was sent.
     *
     * @param headerValues every Content-Encoding header value of the request
     */
    public static Optional<String> stored(List<String> headerValues) {
        if (headerValues == null) {
            return Optional.empty();
        }
        List<String> kept = new ArrayList<>();
        for (String value : headerValues) {
            for (String token : value.split(",")) {
                String t = token.trim();
                if (!t.isEmpty() && !t.equalsIgnoreCase("aws-chunked")) {
                    kept.add(t);
                }
            }
        }
        return kept.isEmpty() ? Optional.empty() : Optional.of(String.join(",", kept));
    }
}
