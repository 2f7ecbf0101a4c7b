package io.needlestack.gateway.s3.operation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class ByteRangeTest {

    @Test
    void closedOpenAndSuffixRanges() throws Exception {
        assertEquals(Optional.of(new ByteRange(0, 9)), ByteRange.parse("bytes=0-9", 100));
        assertEquals(Optional.of(new ByteRange(90, 99)), ByteRange.parse("bytes=90-", 100));
        assertEquals(Optional.of(new ByteRange(80, 99)), ByteRange.parse("bytes=-20", 100));
        assertEquals(Optional.of(new ByteRange(0, 99)), ByteRange.parse("bytes=-200", 100));
        assertEquals(Optional.of(new ByteRange(50, 99)), ByteRange.parse("bytes=50-1000", 100));
    }

    @Test
    void ignoredLikeS3() throws Exception {
        assertTrue(ByteRange.parse(null, 100).isEmpty());
        assertTrue(ByteRange.parse("items=0-1", 100).isEmpty());
        assertTrue(ByteRange.parse("bytes=0-1,5-6", 100).isEmpty());
        assertTrue(ByteRange.parse("bytes=9-3", 100).isEmpty());
        assertTrue(ByteRange.parse("bytes=x-3", 100).isEmpty());
    }

    @Test
    void unsatisfiable() {
        assertThrows(ByteRange.Unsatisfiable.class, () -> ByteRange.parse("bytes=100-", 100));
        assertThrows(ByteRange.Unsatisfiable.class, () -> ByteRange.parse("bytes=0-", 0));
        assertThrows(ByteRange.Unsatisfiable.class, () -> ByteRange.parse("bytes=-0", 100));
    }
}
