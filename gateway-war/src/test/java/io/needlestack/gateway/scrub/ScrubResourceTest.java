package io.needlestack.gateway.scrub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** The scrub rate a request may ask for. */
class ScrubResourceTest {

    @Test
    void anAbsentRateIsTheNodesDefault() {
        assertEquals(777, ScrubResource.rate(null, 777));
        assertEquals(777, ScrubResource.rate("", 777));
    }

    @Test
    void aRateIsAPositiveWholeNumberOfBytesPerSecondUpTo10To12() {
        assertEquals(1, ScrubResource.rate("1", 777));
        assertEquals(16_777_216, ScrubResource.rate("16777216", 777));
        assertEquals(1_000_000_000_000L, ScrubResource.rate("1000000000000", 777));
        for (String bad : new String[] {"0", "-5", "1.5", "16MiB", "1000000000001", "99999999999999999999", " 5"}) {
            assertThrows(IllegalArgumentException.class, () -> ScrubResource.rate(bad, 777), bad);
        }
    }
}
