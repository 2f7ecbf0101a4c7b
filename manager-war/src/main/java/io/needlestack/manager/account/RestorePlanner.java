package io.needlestack.manager.account;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

import io.needlestack.core.account.AccountException;

/**
 * Decides what a restore changes, from the backup and the manager's current accounts, without
 * touching either: {@link AccountStore} applies the {@link RestorePlan} in the same transaction
 * in which it read the current state. A pure class so that every rule below is tested without a
 * server.
 *
 * <p>Rules, in every mode:
 * <ul>
 *   <li>The backup is validated first ({@link ManagerBackup#validate()}): nothing is planned for a
 *       backup that is wrong anywhere.</li>
 *   <li>The root user and its keys are never added, changed or removed: they are what the node's
 *       {@code root.credentials} says (the manager re-applies that file at every start, so a
 *       restored root key would not survive a restart anyway), and keeping them means a restore
 *       can never lock every admin out. The backup's root user and root keys count as skipped.</li>
 *   <li>An access key that is root's here cannot go to another user: {@code AccessKeyInUse}
 *       (409); a merge skips it instead, as it skips every existing entry.</li>
 * </ul>
 * Per mode: {@link RestoreMode#FRESH} is refused with {@code ManagerNotEmpty} (409) unless the
 * manager holds nothing but root and root's keys, then adds everything; {@link RestoreMode#MERGE}
 * adds what does not exist and leaves the rest as it is (listing the entries that differ as
 * conflicts); {@link RestoreMode#REPLACE} also updates what differs and removes what the backup
 * does not hold, and is refused with {@code WouldLockOutCaller} (409) when it would remove,
 * disable, demote or change the secret of the access key the request was made with (a root
 * caller is never affected).
 */
final class RestorePlanner {

    /** How many conflicts the report lists (it counts all of them). */
    static final int MAX_CONFLICTS = 100;

    private final ManagerBackup backup;
    private final ManagerBackup current;
    private final RestoreMode mode;
    private final String callerUserId;
    private final String callerAccessKey;

    private final List<String> conflicts = new ArrayList<>();
    private int conflictCount;

    /**
     * @param backup what to restore
     * @param current the manager's accounts now (its {@code createdAt} is not used)
     * @param mode the restore mode
     * @param callerUserId the admin making the request
     * @param callerAccessKey the access key the request was made with
     */
    RestorePlanner(ManagerBackup backup, ManagerBackup current, RestoreMode mode, String callerUserId,
                   String callerAccessKey) {
        this.backup = Objects.requireNonNull(backup, "backup");
        this.current = Objects.requireNonNull(current, "current");
        this.mode = Objects.requireNonNull(mode, "mode");
        this.callerUserId = Objects.requireNonNull(callerUserId, "callerUserId");
        this.callerAccessKey = Objects.requireNonNull(callerAccessKey, "callerAccessKey");
    }

    /**
     * The changes.
     *
     * @throws AccountException {@code InvalidBackup} (400), {@code ManagerNotEmpty},
     *         {@code AccessKeyInUse}, {@code WouldLockOutCaller} (409)
     */
    RestorePlan plan() {
        backup.validate();
        Map<String, ManagerBackup.User> hereUsers = index(current.users(), ManagerBackup.User::id);
        Map<String, ManagerBackup.Key> hereKeys = index(current.keys(), ManagerBackup.Key::accessKey);
        Map<String, ManagerBackup.Bucket> hereBuckets = index(current.buckets(), ManagerBackup.Bucket::name);
        if (mode == RestoreMode.FRESH) {
            requireFresh();
        }
        boolean replace = mode == RestoreMode.REPLACE;

        List<ManagerBackup.User> addUsers = new ArrayList<>();
        List<ManagerBackup.User> updateUsers = new ArrayList<>();
        List<String> removeUsers = new ArrayList<>();
        int usersSkipped = 0;
        Set<String> backupUsers = new LinkedHashSet<>();
        for (ManagerBackup.User u : backup.users()) {
            backupUsers.add(u.id());
            ManagerBackup.User here = hereUsers.get(u.id());
            if (AccountStore.ROOT.equals(u.id())) {
                usersSkipped++;
            } else if (here == null) {
                addUsers.add(u);
            } else if (here.equals(u)) {
                usersSkipped++;
            } else if (replace) {
                updateUsers.add(u);
            } else {
                usersSkipped++;
                conflict("user " + u.id() + ": " + differences(here, u));
            }
        }
        if (replace) {
            for (ManagerBackup.User here : current.users()) {
                if (!AccountStore.ROOT.equals(here.id()) && !backupUsers.contains(here.id())) {
                    removeUsers.add(here.id());
                }
            }
        }

        List<ManagerBackup.Key> addKeys = new ArrayList<>();
        List<ManagerBackup.Key> updateKeys = new ArrayList<>();
        List<String> removeKeys = new ArrayList<>();
        int keysSkipped = 0;
        Map<String, ManagerBackup.Key> restoredKeys = new LinkedHashMap<>();
        for (ManagerBackup.Key k : backup.keys()) {
            if (AccountStore.ROOT.equals(k.userId())) {
                keysSkipped++;
                continue;
            }
            ManagerBackup.Key here = hereKeys.get(k.accessKey());
            if (here != null && AccountStore.ROOT.equals(here.userId())) {
                if (mode != RestoreMode.MERGE) {
                    throw new AccountException("AccessKeyInUse", "access key " + k.accessKey() + " of user "
                            + k.userId() + " in the backup is the root user's here (root.credentials)");
                }
                keysSkipped++;
                conflict("access key " + k.accessKey() + ": root's here, user " + k.userId() + "'s in the backup");
                continue;
            }
            restoredKeys.put(k.accessKey(), k);
            if (here == null) {
                addKeys.add(k);
            } else if (here.equals(k)) {
                keysSkipped++;
            } else if (replace) {
                updateKeys.add(k);
            } else {
                keysSkipped++;
                conflict("access key " + k.accessKey() + ": " + differences(here, k));
            }
        }
        if (replace) {
            for (ManagerBackup.Key here : current.keys()) {
                if (!AccountStore.ROOT.equals(here.userId()) && !restoredKeys.containsKey(here.accessKey())) {
                    removeKeys.add(here.accessKey());
                }
            }
        }

        List<ManagerBackup.Bucket> addBuckets = new ArrayList<>();
        List<ManagerBackup.Bucket> updateBuckets = new ArrayList<>();
        List<String> removeBuckets = new ArrayList<>();
        int bucketsSkipped = 0;
        Set<String> backupBuckets = new LinkedHashSet<>();
        for (ManagerBackup.Bucket b : backup.buckets()) {
            backupBuckets.add(b.name());
            ManagerBackup.Bucket here = hereBuckets.get(b.name());
            if (here == null) {
                addBuckets.add(b);
            } else if (here.equals(b)) {
                bucketsSkipped++;
            } else if (replace) {
                updateBuckets.add(b);
            } else {
                bucketsSkipped++;
                conflict("bucket " + b.name() + ": " + differences(here, b));
            }
        }
        if (replace) {
            for (ManagerBackup.Bucket here : current.buckets()) {
                if (!backupBuckets.contains(here.name())) {
                    removeBuckets.add(here.name());
                }
            }
            requireCallerKept(hereKeys, index(backup.users(), ManagerBackup.User::id), restoredKeys);
        }

        // What the gateways may hold in their caches: every key and bucket record that changed,
        // and the keys of changed users (a credential carries its user's display name and state).
        Set<String> credentialKeys = new LinkedHashSet<>();
        addKeys.forEach(k -> credentialKeys.add(k.accessKey()));
        updateKeys.forEach(k -> credentialKeys.add(k.accessKey()));
        credentialKeys.addAll(removeKeys);
        Set<String> changedUsers = new LinkedHashSet<>();
        updateUsers.forEach(u -> changedUsers.add(u.id()));
        for (ManagerBackup.Key k : current.keys()) {
            if (changedUsers.contains(k.userId())) {
                credentialKeys.add(k.accessKey());
            }
        }
        for (ManagerBackup.Key k : restoredKeys.values()) {
            if (changedUsers.contains(k.userId())) {
                credentialKeys.add(k.accessKey());
            }
        }
        Set<String> bucketNames = new LinkedHashSet<>();
        addBuckets.forEach(b -> bucketNames.add(b.name()));
        updateBuckets.forEach(b -> bucketNames.add(b.name()));
        bucketNames.addAll(removeBuckets);

        RestoreReport report = new RestoreReport(mode, backup.createdAt(),
                new RestoreReport.Counts(addUsers.size(), updateUsers.size(), removeUsers.size(), usersSkipped),
                new RestoreReport.Counts(addKeys.size(), updateKeys.size(), removeKeys.size(), keysSkipped),
                new RestoreReport.Counts(addBuckets.size(), updateBuckets.size(), removeBuckets.size(), bucketsSkipped),
                conflicts, conflictCount);
        return new RestorePlan(addUsers, updateUsers, removeUsers, addKeys, updateKeys, removeKeys,
                addBuckets, updateBuckets, removeBuckets, credentialKeys, bucketNames, report);
    }

    private void requireFresh() {
        long users = current.users().stream().filter(u -> !AccountStore.ROOT.equals(u.id())).count();
        long keys = current.keys().stream().filter(k -> !AccountStore.ROOT.equals(k.userId())).count();
        long buckets = current.buckets().size();
        if (users + keys + buckets > 0) {
            throw new AccountException("ManagerNotEmpty", "the manager already holds " + users + " user(s), "
                    + keys + " access key(s) and " + buckets + " bucket(s) besides the root user's: a restore "
                    + "without a mode goes only into a fresh manager; use mode=merge to add what is missing, "
                    + "or mode=replace to make the manager's accounts those of the backup");
        }
    }

    /** A replace must leave the caller's key working as it is (root's always is). */
    private void requireCallerKept(Map<String, ManagerBackup.Key> hereKeys, Map<String, ManagerBackup.User> backupUsers,
                                   Map<String, ManagerBackup.Key> restoredKeys) {
        ManagerBackup.Key now = hereKeys.get(callerAccessKey);
        if (AccountStore.ROOT.equals(callerUserId) || now == null || AccountStore.ROOT.equals(now.userId())) {
            return;
        }
        ManagerBackup.Key after = restoredKeys.get(callerAccessKey);
        ManagerBackup.User owner = after == null ? null : backupUsers.get(after.userId());
        boolean kept = after != null && after.active() && after.secretKey().equals(now.secretKey())
                && owner != null && owner.active() && owner.role() == Role.ADMIN;
        if (!kept) {
            throw new AccountException("WouldLockOutCaller", "the backup does not hold access key "
                    + callerAccessKey + " (this request's) as an active key of an active admin with the same "
                    + "secret, so mode=replace would lock this caller out; restore as root (root.credentials), "
                    + "whose user and key a restore always keeps");
        }
    }

    private void conflict(String description) {
        conflictCount++;
        if (conflicts.size() < MAX_CONFLICTS) {
            conflicts.add(description);
        }
    }

    private static String differences(ManagerBackup.User here, ManagerBackup.User backup) {
        List<String> d = new ArrayList<>();
        differ(d, "display name", here.displayName(), backup.displayName());
        differ(d, "role", here.role().name().toLowerCase(java.util.Locale.ROOT),
                backup.role().name().toLowerCase(java.util.Locale.ROOT));
        differ(d, "active", here.active(), backup.active());
        differ(d, "created", here.created(), backup.created());
        return String.join(", ", d);
    }

    private static String differences(ManagerBackup.Key here, ManagerBackup.Key backup) {
        List<String> d = new ArrayList<>();
        differ(d, "user", here.userId(), backup.userId());
        if (!here.secretKey().equals(backup.secretKey())) {
            d.add("secret differs"); // never the secrets themselves: the answer may end up in a log
        }
        differ(d, "active", here.active(), backup.active());
        differ(d, "created", here.created(), backup.created());
        return String.join(", ", d);
    }

    private static String differences(ManagerBackup.Bucket here, ManagerBackup.Bucket backup) {
        List<String> d = new ArrayList<>();
        differ(d, "owner", here.owner(), backup.owner());
        differ(d, "region", here.region(), backup.region());
        differ(d, "created", here.created(), backup.created());
        return String.join(", ", d);
    }

    private static void differ(List<String> out, String field, Object here, Object backup) {
        if (!here.equals(backup)) {
            out.add(field + " " + here + " here, " + backup + " in the backup");
        }
    }

    private static <T> Map<String, T> index(List<T> items, Function<T, String> key) {
        Map<String, T> m = new LinkedHashMap<>();
        items.forEach(i -> m.put(key.apply(i), i));
        return m;
    }
}
