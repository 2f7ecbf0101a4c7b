package io.needlestack.gateway.s3.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Instant;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The hand-written ISO 8601 basic reader and writer against {@link AmzDates#ISO_BASIC}. */
class AmzDatesTest {

    @Test
    void writesAndReadsWhatTheFormatterDoes() {
        SplittableRandom random = new SplittableRandom(20261205);
        for (int i = 0; i < 20_000; i++) {
            Instant t = Instant.ofEpochSecond(random.nextLong(-62_135_596_800L, 253_402_300_799L)); // years 1 to 9999
            String text = AmzDates.ISO_BASIC.format(t);
            assertEquals(text, AmzDates.isoBasic(t), t.toString());
            assertEquals(Instant.from(AmzDates.ISO_BASIC.parse(text)), AmzDates.parseIsoBasic(text), text);
            assertEquals(t, AmzDates.parse(" " + text + " "), text);
        }
        assertEquals(Instant.parse("2024-02-29T23:59:59Z"), AmzDates.parseIsoBasic("20240229T235959Z"));
    }

    @Test
    void refusesWhatIsNotADateAndTime() {
        for (String bad : new String[] {"", "20261205T101010", "20261205T101010ZZ", "20261205 101010Z",
            "2026120AT101010Z", "20261305T101010Z", "20260230T101010Z", "20230229T000000Z",
            "20261205T241010Z", "20261205T106010Z", "20261205T101060Z", "-2026125T101010Z",
            "２０２６1205T101010Z"}) {
            assertNull(AmzDates.parseIsoBasic(bad), bad);
        }
        assertNull(AmzDates.parse("yesterday"));
    }

    @Test
    void stillReadsTheRfc1123DateHeader() {
        assertEquals(Instant.parse("2026-12-05T07:30:00Z"), AmzDates.parse("Sat, 05 Dec 2026 07:30:00 GMT"));
    }
}
