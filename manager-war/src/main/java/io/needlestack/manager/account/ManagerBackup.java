package io.needlestack.manager.account;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;

import io.needlestack.core.account.AccountException;

/**
 * The manager's accounts as one value: users, access keys with their secrets, and bucket
 * records. It is what {@code GET /_admin/api/backup} writes and {@code POST /_admin/api/restore}
 * reads (the admin API owns the JSON form), and also the manager's current state that a restore
 * is planned against ({@link RestorePlanner}).
 *
 * <p>Secrets are included because the gateways verify SigV4 and SigV2 signatures with them: a
 * restore without them would leave every key useless. A backup is therefore as sensitive as the
 * database itself.
 *
 * <p>Times are kept to the millisecond, as the database stores them, so that a value read back
 * from the database equals the one that was restored.
 *
 * @param createdAt when the backup was taken
 * @param users the users, root included when the source had it
 * @param keys every access key with its secret
 * @param buckets every bucket record
 */
public record ManagerBackup(Instant createdAt, List<User> users, List<Key> keys, List<Bucket> buckets) {

    /** The {@code format} field of the JSON document. */
    public static final String FORMAT = "needlestack-manager-backup";
    /** The {@code version} of the document this manager writes and the only one it reads. */
    public static final int VERSION = 1;

    /** Copies the lists; truncates the time to the millisecond. */
    public ManagerBackup {
        createdAt = Objects.requireNonNull(createdAt, "createdAt").truncatedTo(ChronoUnit.MILLIS);
        users = List.copyOf(users);
        keys = List.copyOf(keys);
        buckets = List.copyOf(buckets);
    }

    /**
     * A user.
     *
     * @param id the user id
     * @param displayName the display name
     * @param role the role
     * @param active false when disabled
     * @param created when the user was created (millisecond precision)
     */
    public record User(String id, String displayName, Role role, boolean active, Instant created) {

        /** Checks presence; truncates the time to the millisecond. */
        public User {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(displayName, "displayName");
            Objects.requireNonNull(role, "role");
            created = Objects.requireNonNull(created, "created").truncatedTo(ChronoUnit.MILLIS);
        }
    }

    /**
     * An access key with its secret.
     *
     * @param accessKey the access key id
     * @param secretKey the secret
     * @param userId the owner
     * @param active false when disabled
     * @param created when the key was created (millisecond precision)
     */
    public record Key(String accessKey, String secretKey, String userId, boolean active, Instant created) {

        /** Checks presence; truncates the time to the millisecond. */
        public Key {
            Objects.requireNonNull(accessKey, "accessKey");
            Objects.requireNonNull(secretKey, "secretKey");
            Objects.requireNonNull(userId, "userId");
            created = Objects.requireNonNull(created, "created").truncatedTo(ChronoUnit.MILLIS);
        }

        /** Without the secret: keys end up in log lines and assertion messages. */
        @Override
        public String toString() {
            return "Key[" + accessKey + ", user " + userId + (active ? "" : ", inactive") + "]";
        }
    }

    /**
     * A bucket record.
     *
     * @param name the bucket name
     * @param owner the owning user's id
     * @param region the bucket's region (GetBucketLocation)
     * @param created when the bucket was created (millisecond precision)
     */
    public record Bucket(String name, String owner, String region, Instant created) {

        /** Checks presence; truncates the time to the millisecond. */
        public Bucket {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(owner, "owner");
            Objects.requireNonNull(region, "region");
            created = Objects.requireNonNull(created, "created").truncatedTo(ChronoUnit.MILLIS);
        }
    }

    /**
     * Checks the backup as a whole, before anything is changed: every name as the admin API would
     * accept it, no name twice, every key's user and every bucket's owner among the users.
     *
     * @throws AccountException {@code InvalidBackup}, naming the first offending entry
     */
    public void validate() {
        Set<String> userIds = new HashSet<>();
        for (int i = 0; i < users.size(); i++) {
            User u = users.get(i);
            String where = "users[" + i + "]";
            check(where + ".id", () -> Names.userId(u.id()));
            check(where + ".displayName", () -> {
                if (u.displayName().isBlank() || !u.displayName().equals(Names.displayName(u.displayName(), u.id()))) {
                    throw new AccountException("InvalidArgument", "display name empty or with surrounding blanks");
                }
                return u.displayName();
            });
            if (!userIds.add(u.id())) {
                throw invalid(where + ": user " + u.id() + " appears twice");
            }
        }
        Set<String> accessKeys = new HashSet<>();
        for (int i = 0; i < keys.size(); i++) {
            Key k = keys.get(i);
            String where = "accessKeys[" + i + "]";
            check(where + ".accessKey", () -> Names.accessKey(k.accessKey()));
            check(where + ".secretKey", () -> Names.secretKey(k.secretKey()));
            if (!accessKeys.add(k.accessKey())) {
                throw invalid(where + ": access key " + k.accessKey() + " appears twice");
            }
            if (!userIds.contains(k.userId())) {
                throw invalid(where + ": access key " + k.accessKey() + " belongs to user " + k.userId()
                        + ", who is not in the backup");
            }
        }
        Set<String> names = new HashSet<>();
        for (int i = 0; i < buckets.size(); i++) {
            Bucket b = buckets.get(i);
            String where = "buckets[" + i + "]";
            check(where + ".name", () -> Names.bucket(b.name()));
            check(where + ".region", () -> Names.region(b.region()));
            if (!names.add(b.name())) {
                throw invalid(where + ": bucket " + b.name() + " appears twice");
            }
            if (!userIds.contains(b.owner())) {
                throw invalid(where + ": bucket " + b.name() + " is owned by user " + b.owner()
                        + ", who is not in the backup");
            }
        }
    }

    /** The error of a backup that cannot be restored. */
    static AccountException invalid(String message) {
        return new AccountException("InvalidBackup", "invalid backup: " + message);
    }

    private static void check(String where, Supplier<String> rule) {
        try {
            rule.get();
        } catch (AccountException e) {
            throw invalid(where + ": " + e.getMessage());
        }
    }
}
