package io.needlestack.manager.account;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import io.needlestack.core.account.AccountException;

class NamesTest {

    @ParameterizedTest
    @ValueSource(strings = {"abc", "my-bucket", "logs.2026", "a1b", "0-0", "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"})
    void validBucketNames(String name) {
        assertEquals(name, Names.bucket(name));
    }

    @ParameterizedTest
    @ValueSource(strings = {"ab", "Abc", "my_bucket", "-abc", "abc-", ".abc", "abc.", "a..b", "192.168.0.1",
            "xn--abc", "sthree-abc", "abc-s3alias", "abc--ol-s3", "_admin", "a b"})
    void invalidBucketNames(String name) {
        assertEquals("InvalidBucketName", assertThrows(AccountException.class, () -> Names.bucket(name)).code());
    }

    @Test
    void tooLongBucketName() {
        assertThrows(AccountException.class, () -> Names.bucket("x".repeat(64)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"root", "alice", "a", "svc.backup-01", "u_2"})
    void validUserIds(String id) {
        assertEquals(id, Names.userId(id));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "Alice", "-x", ".x", "a b", "a/b"})
    void invalidUserIds(String id) {
        assertEquals("InvalidUserId", assertThrows(AccountException.class, () -> Names.userId(id)).code());
    }

    @Test
    void regions() {
        assertEquals("eu-west-1", Names.region("eu-west-1"));
        assertEquals("InvalidLocationConstraint", assertThrows(AccountException.class, () -> Names.region("EU West")).code());
        assertThrows(AccountException.class, () -> Names.region("x".repeat(65)));
        assertThrows(AccountException.class, () -> Names.region(null));
    }

    @Test
    void displayNameDefaultsAndLimits() {
        assertEquals("alice", Names.displayName(null, "alice"));
        assertEquals("Alice", Names.displayName("  Alice ", "alice"));
        assertThrows(AccountException.class, () -> Names.displayName("x".repeat(256), "alice"));
    }

    @Test
    void generatedKeysHaveAwsShapesAndDiffer() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            String id = KeyPairs.accessKeyId();
            assertTrue(id.matches("NS[A-Z2-7]{18}"), id);
            assertTrue(KeyPairs.secretKey().matches("[A-Za-z0-9+/]{40}"));
            assertTrue(seen.add(id));
            Names.accessKey(id);
        }
    }
}
