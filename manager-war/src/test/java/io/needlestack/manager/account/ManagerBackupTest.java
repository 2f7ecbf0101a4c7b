package io.needlestack.manager.account;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import org.junit.jupiter.api.Test;

import io.needlestack.core.account.AccountException;

class ManagerBackupTest {

    static final Instant T = Instant.parse("2026-03-01T10:00:00.123Z");

    static ManagerBackup.User user(String id, Role role) {
        return new ManagerBackup.User(id, id, role, true, T);
    }

    static ManagerBackup.Key key(String accessKey, String userId) {
        return new ManagerBackup.Key(accessKey, "secret-of-" + accessKey, userId, true, T);
    }

    static ManagerBackup.Bucket bucket(String name, String owner) {
        return new ManagerBackup.Bucket(name, owner, "us-east-1", T);
    }

    /** A valid backup: root, an admin and a user, their keys and two buckets. */
    static ManagerBackup sample() {
        return new ManagerBackup(T,
                List.of(user("root", Role.ADMIN), user("ops", Role.ADMIN), user("alice", Role.USER)),
                List.of(key("ROOTKEY0000000000000", "root"), key("NSOPS000000000000000", "ops"),
                        key("NSALICE0000000000000", "alice"), key("NSALICE0000000000001", "alice")),
                List.of(bucket("photos", "alice"), bucket("logs", "ops")));
    }

    @Test
    void aValidBackupPasses() {
        assertDoesNotThrow(() -> sample().validate());
        assertDoesNotThrow(() -> new ManagerBackup(T, List.of(), List.of(), List.of()).validate());
    }

    @Test
    void timesAreKeptToTheMillisecondAsTheDatabaseStoresThem() {
        Instant fine = Instant.parse("2026-03-01T10:00:00.123456789Z");
        assertEquals(T, new ManagerBackup.User("a", "a", Role.USER, true, fine).created());
        assertEquals(T, new ManagerBackup(fine, List.of(), List.of(), List.of()).createdAt());
    }

    @Test
    void theSecretStaysOutOfToString() {
        ManagerBackup.Key k = key("NSALICE0000000000000", "alice");
        assertFalse(k.toString().contains(k.secretKey()), k.toString());
        assertFalse(sample().toString().contains("secret-of-"), sample().toString());
    }

    @Test
    void duplicateNamesAreRefused() {
        assertInvalid(b -> b.users.add(user("alice", Role.ADMIN)), "users[3]: user alice appears twice");
        assertInvalid(b -> b.keys.add(key("NSALICE0000000000000", "ops")),
                "accessKeys[4]: access key NSALICE0000000000000 appears twice");
        assertInvalid(b -> b.buckets.add(bucket("photos", "ops")), "buckets[2]: bucket photos appears twice");
    }

    @Test
    void danglingReferencesAreRefused() {
        assertInvalid(b -> b.keys.add(key("NSBOB000000000000000", "bob")),
                "access key NSBOB000000000000000 belongs to user bob, who is not in the backup");
        assertInvalid(b -> b.buckets.add(bucket("music", "bob")),
                "bucket music is owned by user bob, who is not in the backup");
        // Removing a user leaves its keys and buckets dangling.
        assertInvalid(b -> b.users.removeIf(u -> u.id().equals("alice")), "belongs to user alice");
    }

    @Test
    void malformedEntriesAreRefusedWithTheirPlace() {
        assertInvalid(b -> b.users.add(user("Bob", Role.USER)), "users[3].id");
        assertInvalid(b -> b.users.add(new ManagerBackup.User("bob", " Bob ", Role.USER, true, T)),
                "users[3].displayName");
        assertInvalid(b -> b.users.add(new ManagerBackup.User("bob", "x".repeat(256), Role.USER, true, T)),
                "users[3].displayName");
        assertInvalid(b -> b.keys.add(key("bad key", "alice")), "accessKeys[4].accessKey");
        assertInvalid(b -> b.keys.add(new ManagerBackup.Key("NSALICE0000000000009", "short", "alice", true, T)),
                "accessKeys[4].secretKey");
        assertInvalid(b -> b.keys.add(new ManagerBackup.Key("NSALICE0000000000009", "with space inside", "alice",
                true, T)), "accessKeys[4].secretKey");
        assertInvalid(b -> b.keys.add(new ManagerBackup.Key("NSALICE0000000000009", "s".repeat(129), "alice",
                true, T)), "accessKeys[4].secretKey");
        assertInvalid(b -> b.buckets.add(bucket("Not_A_Bucket", "alice")), "buckets[2].name");
        assertInvalid(b -> b.buckets.add(new ManagerBackup.Bucket("music", "alice", "EU West", T)), "buckets[2].region");
    }

    private static void assertInvalid(Consumer<Lists> change, String expected) {
        Lists l = new Lists(sample());
        change.accept(l);
        ManagerBackup b = new ManagerBackup(T, l.users, l.keys, l.buckets);
        AccountException e = assertThrows(AccountException.class, b::validate);
        assertEquals("InvalidBackup", e.code());
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    /** The sample's lists, editable. */
    private static final class Lists {
        final List<ManagerBackup.User> users;
        final List<ManagerBackup.Key> keys;
        final List<ManagerBackup.Bucket> buckets;

        Lists(ManagerBackup b) {
            users = new ArrayList<>(b.users());
            keys = new ArrayList<>(b.keys());
            buckets = new ArrayList<>(b.buckets());
        }
    }
}
