package io.needlestack.manager.account;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.needlestack.core.account.AccountException;

/**
 * The pure rules behind {@code import-user} (which key pairs the manager takes) and
 * {@code update-user-role} ({@link RoleChanges}).
 */
class AdminVerbsRulesTest {

    @ParameterizedTest
    @ValueSource(strings = {"AKIAIOSFODNN7EXAMPLE", "NSABCDEFGHIJKLMNOPQR", "minioadmin", "leo_fs.key-01",
            "a+b=c~d", "abc"})
    void accessKeysOfOtherStoresAreTaken(String key) {
        assertEquals(key, Names.accessKey(key));
    }

    @Test
    void accessKeyLengthBounds() {
        assertEquals(128, Names.accessKey("A".repeat(128)).length());
        assertMalformedKey("A".repeat(129));
        assertMalformedKey("ab");
        assertMalformedKey(null);
    }

    @ParameterizedTest
    @ValueSource(strings = {"AKIA/EXAMPLE", "user:key", "with space", "tab\tkey", "ümlautkey", "key\n"})
    void accessKeysThatCannotBeSignedOrSentAreMalformed(String key) {
        assertMalformedKey(key);
    }

    @Test
    void malformedKeyIsNotTheUnknownKeyCode() {
        // InvalidAccessKeyId is the internal API's 404 "no such key"; a malformed one is a 400.
        AccountException e = assertThrows(AccountException.class, () -> Names.accessKey("a/b"));
        assertFalse(e.code().equals("InvalidAccessKeyId"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "minioadmin", "12345678",
            "quote\"and\\backslash:colon", "ünïcödé-secret"})
    void secretsOfOtherStoresAreTaken(String secret) {
        assertEquals(secret, Names.secretKey(secret));
    }

    @Test
    void secretBounds() {
        assertEquals(128, Names.secretKey("s".repeat(128)).length());
        assertBadSecret("s".repeat(129));
        assertBadSecret("1234567");
        assertBadSecret("");
        assertBadSecret(null);
        assertBadSecret("with space");
        assertBadSecret("tab\tinside");
        assertBadSecret("newline\n12345");
        assertBadSecret("delete\u007fchar");
    }

    @Test
    void secretIsNeverInTheMessage() {
        String secret = "short";
        AccountException e = assertThrows(AccountException.class, () -> Names.secretKey(secret));
        assertFalse(e.getMessage().contains(secret), e.getMessage());
    }

    @Test
    void sameRoleChangesNothing() {
        assertFalse(RoleChanges.check("alice", Role.USER, Role.USER, 0));
        assertFalse(RoleChanges.check("alice", Role.ADMIN, Role.ADMIN, 0));
        assertFalse(RoleChanges.check("root", Role.ADMIN, Role.ADMIN, 0), "root stays what it is: nothing to refuse");
    }

    @Test
    void rootCannotBeDemoted() {
        assertEquals("CannotChangeRootRole",
                assertThrows(AccountException.class, () -> RoleChanges.check("root", Role.ADMIN, Role.USER, 5)).code());
    }

    @Test
    void promotionIsAlwaysAllowed() {
        assertTrue(RoleChanges.check("alice", Role.USER, Role.ADMIN, 0));
    }

    @Test
    void demotionNeedsAnotherUsableAdmin() {
        assertTrue(RoleChanges.check("ops", Role.ADMIN, Role.USER, 1));
        assertEquals("LastActiveAdmin",
                assertThrows(AccountException.class, () -> RoleChanges.check("ops", Role.ADMIN, Role.USER, 0)).code());
    }

    private static void assertMalformedKey(String key) {
        assertEquals("MalformedAccessKeyId", assertThrows(AccountException.class, () -> Names.accessKey(key)).code());
    }

    private static void assertBadSecret(String secret) {
        assertEquals("InvalidSecretKey", assertThrows(AccountException.class, () -> Names.secretKey(secret)).code());
    }
}
