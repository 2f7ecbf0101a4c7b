package io.needlestack.gateway.s3.operation;

import io.needlestack.gateway.object.StoredObject;
import io.needlestack.gateway.s3.error.S3ErrorCode;
import io.needlestack.gateway.s3.error.S3Exception;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

/**
 * The conditional headers of GET and HEAD (and their {@code x-amz-copy-source-} twins), in the
 * order RFC 9110 and S3 evaluate them: If-Match, then If-Unmodified-Since unless If-Match was
 * given; If-None-Match, then If-Modified-Since unless If-None-Match was given.
 */
final class Preconditions {

    /** Outcome that is not an error document: 304 Not Modified. */
    static final class NotModified extends Exception {
        NotModified() {
            super(null, null, false, false);
        }
    }

    private Preconditions() {
    }

    /**
     * @throws S3Exception PreconditionFailed (412)
     * @throws NotModified when the client's copy is current (GET/HEAD answer 304)
     */
    static void check(StoredObject o, Optional<String> ifMatch, Optional<String> ifNoneMatch,
                      Optional<String> ifModifiedSince, Optional<String> ifUnmodifiedSince) throws NotModified {
        // HTTP dates have second precision.
        Instant modified = o.lastModified().truncatedTo(ChronoUnit.SECONDS);
        if (ifMatch.isPresent()) {
            if (!etagMatches(ifMatch.get(), o.etag())) {
                throw new S3Exception(S3ErrorCode.PRECONDITION_FAILED).with("Condition", "If-Match");
            }
        } else if (ifUnmodifiedSince.isPresent()) {
            Instant t = parseDate(ifUnmodifiedSince.get());
            if (t != null && modified.isAfter(t)) {
                throw new S3Exception(S3ErrorCode.PRECONDITION_FAILED).with("Condition", "If-Unmodified-Since");
            }
        }
        if (ifNoneMatch.isPresent()) {
            if (etagMatches(ifNoneMatch.get(), o.etag())) {
                throw new NotModified();
            }
        } else if (ifModifiedSince.isPresent()) {
            Instant t = parseDate(ifModifiedSince.get());
            if (t != null && !modified.isAfter(t)) {
                throw new NotModified();
            }
        }
    }

    static boolean etagMatches(String header, String etag) {
        for (String candidate : header.split(",")) {
            String c = candidate.trim();
            if (c.equals("*")) {
                return true;
            }
            if (c.startsWith("W/")) {
                c = c.substring(2);
            }
            if (c.startsWith("\"") && c.endsWith("\"") && c.length() >= 2) {
                c = c.substring(1, c.length() - 1);
            }
            if (c.equals(etag)) {
                return true;
            }
        }
        return false;
    }

    /** An HTTP date (RFC 1123, or ISO 8601 as some clients send); null when unparseable (ignored, as S3 does). */
    static Instant parseDate(String s) {
        try {
            return ZonedDateTime.parse(s.trim(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
        } catch (DateTimeParseException e) {
            try {
                return Instant.parse(s.trim());
            } catch (DateTimeParseException e2) {
                return null;
            }
        }
    }
}
