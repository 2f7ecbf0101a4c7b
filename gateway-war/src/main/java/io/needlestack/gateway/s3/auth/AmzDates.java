package io.needlestack.gateway.s3.auth;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/** The date formats of S3 requests: ISO 8601 basic (SigV4) and RFC 1123 (Date header, SigV2). */
final class AmzDates {

    static final DateTimeFormatter ISO_BASIC =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);

    private AmzDates() {
    }

    /** Parses either format; null when it is neither. */
    static Instant parse(String value) {
        if (value == null) {
            return null;
        }
        String v = value.trim();
        try {
            return Instant.from(ISO_BASIC.parse(v));
        } catch (DateTimeParseException e) {
            // not ISO basic: try RFC 1123
        }
        try {
            return Instant.from(DateTimeFormatter.RFC_1123_DATE_TIME.parse(v));
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    static String isoBasic(Instant instant) {
        return ISO_BASIC.format(instant);
    }
}
