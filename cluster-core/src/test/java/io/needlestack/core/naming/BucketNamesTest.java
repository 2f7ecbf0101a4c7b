package io.needlestack.core.naming;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BucketNamesTest {

    @ParameterizedTest
    @ValueSource(strings = {"abc", "my-bucket", "my.bucket.name", "a1b2c3", "health", "metrics"})
    void accepts(String name) {
        assertTrue(BucketNames.isValid(name), name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"ab", "_admin", "UPPER", "-abc", "abc-", "a..b", "192.168.1.1", "xn--abc",
        "a_b", "abc.-d"})
    void refuses(String name) {
        assertFalse(BucketNames.isValid(name), name);
    }

    @Test
    void refusesTooLong() {
        assertFalse(BucketNames.isValid("a".repeat(64)));
        assertTrue(BucketNames.isValid("a".repeat(63)));
    }

    @Test
    void keyLengthCountsUtf8Bytes() {
        assertFalse(ObjectKeys.isTooLong("é".repeat(512)));
        assertTrue(ObjectKeys.isTooLong("é".repeat(513)));
    }
}
