package io.needlestack.manager.account;

import static io.needlestack.manager.account.ManagerBackupTest.T;
import static io.needlestack.manager.account.ManagerBackupTest.bucket;
import static io.needlestack.manager.account.ManagerBackupTest.key;
import static io.needlestack.manager.account.ManagerBackupTest.sample;
import static io.needlestack.manager.account.ManagerBackupTest.user;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.needlestack.core.account.AccountException;

class RestorePlannerTest {

    /** What a fresh manager holds: root with the key of its own root.credentials. */
    private static final ManagerBackup FRESH = new ManagerBackup(T, List.of(user("root", Role.ADMIN)),
            List.of(key("ROOTHERE000000000000", "root")), List.of());
    private static final String ROOT_KEY = "ROOTHERE000000000000";

    private static RestorePlan plan(ManagerBackup backup, ManagerBackup current, RestoreMode mode) {
        return new RestorePlanner(backup, current, mode, "root", ROOT_KEY).plan();
    }

    private static RestoreReport.Counts counts(int added, int updated, int removed, int skipped) {
        return new RestoreReport.Counts(added, updated, removed, skipped);
    }

    @Test
    void freshRestoreAddsEverythingButRoot() {
        RestorePlan p = plan(sample(), FRESH, RestoreMode.FRESH);
        assertEquals(List.of(user("ops", Role.ADMIN), user("alice", Role.USER)), p.addUsers());
        assertEquals(List.of("NSOPS000000000000000", "NSALICE0000000000000", "NSALICE0000000000001"),
                p.addKeys().stream().map(ManagerBackup.Key::accessKey).toList());
        assertEquals(List.of(bucket("photos", "alice"), bucket("logs", "ops")), p.addBuckets());
        assertTrue(p.updateUsers().isEmpty() && p.removeUsers().isEmpty() && p.updateKeys().isEmpty()
                && p.removeKeys().isEmpty() && p.updateBuckets().isEmpty() && p.removeBuckets().isEmpty());
        RestoreReport r = p.report();
        assertEquals(counts(2, 0, 0, 1), r.users());
        assertEquals(counts(3, 0, 0, 1), r.accessKeys());
        assertEquals(counts(2, 0, 0, 0), r.buckets());
        assertEquals(T, r.backupCreatedAt());
        // Absence is not cached by the gateways, but a replaced predecessor may be: all of them go.
        assertEquals(Set.of("NSOPS000000000000000", "NSALICE0000000000000", "NSALICE0000000000001"), p.credentialKeys());
        assertEquals(Set.of("photos", "logs"), p.bucketNames());
    }

    @Test
    void freshRestoreIntoAManagerWithAnythingBesidesRootIsRefused() {
        for (ManagerBackup current : List.of(
                new ManagerBackup(T, List.of(user("root", Role.ADMIN), user("bob", Role.USER)),
                        List.of(key(ROOT_KEY, "root")), List.of()),
                new ManagerBackup(T, List.of(user("root", Role.ADMIN)), List.of(key(ROOT_KEY, "root")),
                        List.of(bucket("b1b", "root"))))) {
            AccountException e = assertThrows(AccountException.class, () -> plan(sample(), current, RestoreMode.FRESH));
            assertEquals("ManagerNotEmpty", e.code());
            assertTrue(e.getMessage().contains("mode=merge"), e.getMessage());
        }
        // Root with several keys is still fresh: they all are root.credentials' business.
        ManagerBackup twoRootKeys = new ManagerBackup(T, List.of(user("root", Role.ADMIN)),
                List.of(key(ROOT_KEY, "root"), key("ROOTOLD0000000000000", "root")), List.of());
        assertEquals(2, plan(sample(), twoRootKeys, RestoreMode.FRESH).addUsers().size());
    }

    @Test
    void anInvalidBackupIsRefusedBeforeAnythingElse() {
        ManagerBackup broken = new ManagerBackup(T, List.of(user("alice", Role.USER)), List.of(),
                List.of(bucket("photos", "bob")));
        ManagerBackup full = new ManagerBackup(T, List.of(user("root", Role.ADMIN), user("x", Role.USER)),
                List.of(), List.of());
        // Even against a manager that is not empty: the document is wrong whatever the mode.
        for (RestoreMode m : RestoreMode.values()) {
            assertEquals("InvalidBackup", assertThrows(AccountException.class, () -> plan(broken, full, m)).code());
        }
    }

    @Test
    void aKeyThatIsRootsHereIsNotGivenAway() {
        ManagerBackup backup = new ManagerBackup(T, List.of(user("alice", Role.USER)),
                List.of(key(ROOT_KEY, "alice")), List.of());
        for (RestoreMode m : List.of(RestoreMode.FRESH, RestoreMode.REPLACE)) {
            AccountException e = assertThrows(AccountException.class, () -> plan(backup, FRESH, m));
            assertEquals("AccessKeyInUse", e.code());
        }
        RestorePlan merged = plan(backup, FRESH, RestoreMode.MERGE);
        assertEquals(counts(0, 0, 0, 1), merged.report().accessKeys());
        assertEquals(1, merged.report().conflictCount());
        assertTrue(merged.addKeys().isEmpty());
    }

    @Test
    void mergeAddsWhatIsMissingAndLeavesTheRestAlone() {
        // Here: alice exists with another display name, her first key with another secret, photos
        // belongs to ops, and carol (not in the backup) owns a bucket.
        ManagerBackup current = new ManagerBackup(T,
                List.of(user("root", Role.ADMIN), user("ops", Role.ADMIN),
                        new ManagerBackup.User("alice", "Alice A.", Role.USER, true, T), user("carol", Role.USER)),
                List.of(key(ROOT_KEY, "root"), key("NSOPS000000000000000", "ops"),
                        new ManagerBackup.Key("NSALICE0000000000000", "another-secret", "alice", true, T),
                        key("NSCAROL0000000000000", "carol")),
                List.of(bucket("photos", "ops"), bucket("carols", "carol")));
        RestorePlan p = plan(sample(), current, RestoreMode.MERGE);
        assertEquals(counts(0, 0, 0, 3), p.report().users());
        assertEquals(counts(1, 0, 0, 3), p.report().accessKeys());
        assertEquals(counts(1, 0, 0, 1), p.report().buckets());
        assertEquals(List.of("NSALICE0000000000001"), p.addKeys().stream().map(ManagerBackup.Key::accessKey).toList());
        assertEquals(List.of(bucket("logs", "ops")), p.addBuckets());
        assertTrue(p.removeUsers().isEmpty() && p.removeKeys().isEmpty() && p.removeBuckets().isEmpty());
        assertEquals(List.of(
                "user alice: display name Alice A. here, alice in the backup",
                "access key NSALICE0000000000000: secret differs",
                "bucket photos: owner ops here, alice in the backup"), p.report().conflicts());
        assertTrue(p.report().conflicts().stream().noneMatch(c -> c.contains("another-secret")));
    }

    @Test
    void mergeOfTheSameBackupTwiceSkipsEverything() {
        ManagerBackup afterFirst = new ManagerBackup(T, sample().users(), sample().keys(), sample().buckets());
        RestorePlan p = plan(sample(), afterFirst, RestoreMode.MERGE);
        assertEquals(counts(0, 0, 0, 3), p.report().users());
        assertEquals(counts(0, 0, 0, 4), p.report().accessKeys());
        assertEquals(counts(0, 0, 0, 2), p.report().buckets());
        assertEquals(0, p.report().conflictCount());
        assertTrue(p.credentialKeys().isEmpty() && p.bucketNames().isEmpty());
    }

    @Test
    void replaceMakesTheAccountsThoseOfTheBackupAndKeepsRoot() {
        ManagerBackup current = new ManagerBackup(T,
                List.of(user("root", Role.ADMIN), user("ops", Role.ADMIN),
                        new ManagerBackup.User("alice", "alice", Role.ADMIN, false, T), user("carol", Role.USER)),
                List.of(key(ROOT_KEY, "root"), key("NSOPS000000000000000", "ops"),
                        new ManagerBackup.Key("NSALICE0000000000000", "another-secret", "alice", true, T),
                        key("NSCAROL0000000000000", "carol"), key("NSOPS000000000000009", "ops")),
                List.of(bucket("photos", "carol"), bucket("carols", "carol")));
        RestorePlan p = plan(sample(), current, RestoreMode.REPLACE);
        assertEquals(List.of(user("alice", Role.USER)), p.updateUsers());
        assertEquals(List.of("carol"), p.removeUsers());
        assertEquals(List.of(key("NSALICE0000000000000", "alice")), p.updateKeys());
        assertEquals(List.of("NSALICE0000000000001"), p.addKeys().stream().map(ManagerBackup.Key::accessKey).toList());
        assertEquals(List.of("NSCAROL0000000000000", "NSOPS000000000000009"), p.removeKeys());
        assertEquals(List.of(bucket("photos", "alice")), p.updateBuckets());
        assertEquals(List.of(bucket("logs", "ops")), p.addBuckets());
        assertEquals(List.of("carols"), p.removeBuckets());
        // Root's key here is not in the backup, yet stays; the backup's root key is skipped.
        assertTrue(!p.removeKeys().contains(ROOT_KEY) && !p.removeUsers().contains("root"));
        assertEquals(counts(0, 1, 1, 2), p.report().users());
        assertEquals(counts(1, 1, 2, 2), p.report().accessKeys());
        assertEquals(counts(1, 1, 1, 0), p.report().buckets());
        // alice changed: both her keys' cached credentials (name, state) go, with every changed key.
        assertEquals(Set.of("NSALICE0000000000000", "NSALICE0000000000001", "NSCAROL0000000000000",
                "NSOPS000000000000009"), p.credentialKeys());
        assertEquals(Set.of("photos", "logs", "carols"), p.bucketNames());
    }

    @Test
    void replaceRefusesToLockOutANonRootCaller() {
        ManagerBackup current = new ManagerBackup(T, List.of(user("root", Role.ADMIN), user("ops", Role.ADMIN),
                user("ops2", Role.ADMIN)),
                List.of(key(ROOT_KEY, "root"), key("NSOPS000000000000000", "ops"), key("NSOPS200000000000000", "ops2")),
                List.of());
        // ops2 and its key are not in the backup.
        AccountException e = assertThrows(AccountException.class, () -> new RestorePlanner(sample(), current,
                RestoreMode.REPLACE, "ops2", "NSOPS200000000000000").plan());
        assertEquals("WouldLockOutCaller", e.code());
        // ops is, as an active admin with the same secret: allowed.
        new RestorePlanner(sample(), current, RestoreMode.REPLACE, "ops", "NSOPS000000000000000").plan();
        // Demoted, disabled, or with another secret in the backup: refused.
        for (ManagerBackup backup : List.of(
                withUser(sample(), user("ops", Role.USER)),
                withUser(sample(), new ManagerBackup.User("ops", "ops", Role.ADMIN, false, T)),
                withKey(sample(), new ManagerBackup.Key("NSOPS000000000000000", "other-secret", "ops", true, T)),
                withKey(sample(), new ManagerBackup.Key("NSOPS000000000000000", "secret-of-NSOPS000000000000000",
                        "ops", false, T)))) {
            assertEquals("WouldLockOutCaller", assertThrows(AccountException.class, () -> new RestorePlanner(backup,
                    current, RestoreMode.REPLACE, "ops", "NSOPS000000000000000").plan()).code());
        }
        // Root is never locked out: it is always kept.
        plan(new ManagerBackup(T, List.of(), List.of(), List.of()), current, RestoreMode.REPLACE);
    }

    @Test
    void replaceWithAnEmptyBackupLeavesOnlyRoot() {
        RestorePlan p = plan(new ManagerBackup(T, List.of(), List.of(), List.of()), sample(), RestoreMode.REPLACE);
        assertEquals(List.of("ops", "alice"), p.removeUsers());
        assertEquals(List.of("NSOPS000000000000000", "NSALICE0000000000000", "NSALICE0000000000001"), p.removeKeys());
        assertEquals(List.of("photos", "logs"), p.removeBuckets());
    }

    @Test
    void conflictsAreListedUpToABoundAndCountedInFull() {
        List<ManagerBackup.Bucket> mine = new java.util.ArrayList<>();
        List<ManagerBackup.Bucket> theirs = new java.util.ArrayList<>();
        for (int i = 0; i < RestorePlanner.MAX_CONFLICTS + 5; i++) {
            mine.add(bucket("b-" + i, "root"));
            theirs.add(bucket("b-" + i, "alice"));
        }
        ManagerBackup backup = new ManagerBackup(T, List.of(user("alice", Role.USER)), List.of(), theirs);
        ManagerBackup current = new ManagerBackup(T, List.of(user("root", Role.ADMIN)), List.of(), mine);
        RestoreReport r = plan(backup, current, RestoreMode.MERGE).report();
        assertEquals(RestorePlanner.MAX_CONFLICTS, r.conflicts().size());
        assertEquals(RestorePlanner.MAX_CONFLICTS + 5, r.conflictCount());
    }

    @Test
    void modesParseAsTheApiNamesThem() {
        assertEquals(RestoreMode.FRESH, RestoreMode.parse(null));
        assertEquals(RestoreMode.FRESH, RestoreMode.parse(""));
        assertEquals(RestoreMode.MERGE, RestoreMode.parse("merge"));
        assertEquals(RestoreMode.REPLACE, RestoreMode.parse("REPLACE"));
        assertEquals("InvalidArgument", assertThrows(AccountException.class, () -> RestoreMode.parse("wipe")).code());
    }

    private static ManagerBackup withUser(ManagerBackup b, ManagerBackup.User u) {
        return new ManagerBackup(b.createdAt(), b.users().stream().map(x -> x.id().equals(u.id()) ? u : x).toList(),
                b.keys(), b.buckets());
    }

    private static ManagerBackup withKey(ManagerBackup b, ManagerBackup.Key k) {
        return new ManagerBackup(b.createdAt(), b.users(),
                b.keys().stream().map(x -> x.accessKey().equals(k.accessKey()) ? k : x).toList(), b.buckets());
    }
}
