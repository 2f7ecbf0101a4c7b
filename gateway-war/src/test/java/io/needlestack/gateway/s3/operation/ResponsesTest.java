package io.needlestack.gateway.s3.operation;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.SplittableRandom;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import org.junit.jupiter.api.Test;

/** S3's date formats. */
class ResponsesTest {

    @Test
    void httpDateHasATwoDigitDayAndReadsBack() {
        Instant t = Instant.parse("2026-12-04T17:29:57.123Z");
        assertEquals("Fri, 04 Dec 2026 17:29:57 GMT", Responses.httpDate(t));
        assertEquals(Instant.parse("2026-12-04T17:29:57Z"),
                ZonedDateTime.parse(Responses.httpDate(t), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
        assertEquals("Sun, 21 Nov 2027 00:00:00 GMT", Responses.httpDate(Instant.parse("2027-11-21T00:00:00Z")));
    }

    @Test
    void handWrittenHttpDateIsTheFormatters() {
        SplittableRandom random = new SplittableRandom(20261205);
        for (int i = 0; i < 20_000; i++) {
            // years 0 to 9999, and every second of a few leap days
            Instant t = i < 3 * 86_400 / 7
                    ? Instant.parse("2024-02-28T00:00:00Z").plusSeconds(7L * i)
                    : Instant.ofEpochSecond(random.nextLong(-62_167_219_200L, 253_402_300_799L), random.nextInt(1_000_000_000));
            assertEquals(Responses.HTTP_DATE.format(t), Responses.httpDate(t), t.toString());
        }
    }

    @Test
    void isoDateHasMilliseconds() {
        assertEquals("2026-12-04T17:29:57.120Z", Responses.iso(Instant.parse("2026-12-04T17:29:57.12Z")));
    }
}
