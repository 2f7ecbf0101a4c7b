package io.needlestack.gateway.s3.auth;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/**
 * The date formats of S3 requests: ISO 8601 basic (SigV4) and RFC 1123 (Date header, SigV2).
 *
 * <p>The ISO basic form is read and written by hand: every SigV4 request carries one, and
 * {@link DateTimeFormatter} spent about 2 microseconds per request on it (a measured share of a
 * presigned 4 KiB GET). {@link #ISO_BASIC} stays the reference the tests compare against.
 */
final class AmzDates {

    static final DateTimeFormatter ISO_BASIC =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);

    private static final int ISO_BASIC_LENGTH = "yyyyMMddTHHmmssZ".length();

    private AmzDates() {
    }

    /** Parses either format; null when it is neither. */
    static Instant parse(String value) {
        if (value == null) {
            return null;
        }
        String v = value.trim();
        Instant iso = parseIsoBasic(v);
        if (iso != null) {
            return iso;
        }
        try {
            return Instant.from(DateTimeFormatter.RFC_1123_DATE_TIME.parse(v));
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /**
     * {@code yyyyMMdd'T'HHmmss'Z'} exactly (a real calendar date and time of day); null for
     * anything else.
     */
    static Instant parseIsoBasic(String v) {
        if (v.length() != ISO_BASIC_LENGTH || v.charAt(8) != 'T' || v.charAt(15) != 'Z') {
            return null;
        }
        int year = digits(v, 0, 4);
        int month = digits(v, 4, 6);
        int day = digits(v, 6, 8);
        int hour = digits(v, 9, 11);
        int minute = digits(v, 11, 13);
        int second = digits(v, 13, 15);
        if ((year | month | day | hour | minute | second) < 0) {
            return null;
        }
        if (year == 0) {
            // Year-of-era 0 is no year; what the formatter makes of it is its own business.
            try {
                return Instant.from(ISO_BASIC.parse(v));
            } catch (DateTimeException e) {
                return null;
            }
        }
        try {
            return LocalDateTime.of(year, month, day, hour, minute, second).toInstant(ZoneOffset.UTC);
        } catch (DateTimeException e) {
            return null; // month 13, 30 February, hour 24 and the like
        }
    }

    /** The decimal number in {@code s[from, to)}, or -1 when a character is not a digit. */
    private static int digits(String s, int from, int to) {
        int n = 0;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            n = n * 10 + (c - '0');
        }
        return n;
    }

    static String isoBasic(Instant instant) {
        LocalDateTime t = LocalDateTime.ofEpochSecond(instant.getEpochSecond(), 0, ZoneOffset.UTC);
        if (t.getYear() < 1 || t.getYear() > 9999) {
            return ISO_BASIC.format(instant); // BC years and five digits: the formatter's own ways
        }
        char[] out = new char[ISO_BASIC_LENGTH];
        put(out, 0, t.getYear(), 4);
        put(out, 4, t.getMonthValue(), 2);
        put(out, 6, t.getDayOfMonth(), 2);
        out[8] = 'T';
        put(out, 9, t.getHour(), 2);
        put(out, 11, t.getMinute(), 2);
        put(out, 13, t.getSecond(), 2);
        out[15] = 'Z';
        return new String(out);
    }

    private static void put(char[] out, int at, int value, int width) {
        for (int i = at + width - 1; i >= at; i--) {
            out[i] = (char) ('0' + value % 10);
            value /= 10;
        }
    }
}
