package io.needlestack.manager.account;

import java.util.List;
import java.util.Optional;
import java.util.logging.Logger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.needlestack.core.account.AccountCaches;
import io.needlestack.core.account.AccountException;
import io.needlestack.core.account.BucketConflictException;
import io.needlestack.core.account.BucketInfo;
import io.needlestack.core.account.Credential;

/**
 * The manager's account operations, used by the admin and internal APIs. Each change is one
 * transaction of {@link AccountStore}; after it commits, and before the caller gets an answer,
 * the affected entries are removed from the gateways' caches, so a deleted key or bucket stops
 * working on every gateway at once.
 *
 * <p>Validation errors, unknown ids and conflicts are {@link AccountException}s with stable
 * codes (see the API's exception mapper for their HTTP statuses).
 */
@ApplicationScoped
public class Accounts {

    private static final Logger LOG = Logger.getLogger(Accounts.class.getName());

    @Inject
    AccountStore store;

    @Inject
    CacheInvalidation caches;

    /** Creates a user with a generated key pair (shown once). */
    public CreatedUser createUser(String id, String displayName, Role role) {
        String accessKey = KeyPairs.accessKeyId();
        String secretKey = KeyPairs.secretKey();
        UserInfo user = store.createUser(Names.userId(id), Names.displayName(displayName, id),
                role == null ? Role.USER : role, accessKey, secretKey);
        return new CreatedUser(user, new NewAccessKey(user.id(), accessKey, secretKey));
    }

    /**
     * A created user with its first key pair.
     *
     * @param user the user
     * @param key the generated key pair, including its secret
     */
    public record CreatedUser(UserInfo user, NewAccessKey key) {
    }

    /** All users, by id. */
    public List<UserInfo> users() {
        return store.users();
    }

    /** A user. */
    public Optional<UserInfo> user(String id) {
        return store.user(id);
    }

    /** Deletes a user that owns no bucket, with its keys. */
    public void deleteUser(String id) {
        List<String> keys = store.deleteUser(id);
        caches.remove(AccountCaches.CREDENTIALS, keys);
    }

    /** Adds a generated key pair to a user (shown once). */
    public NewAccessKey addKey(String userId) {
        return store.addKey(userId, KeyPairs.accessKeyId(), KeyPairs.secretKey());
    }

    /** Deletes a user's access key. */
    public void deleteKey(String userId, String accessKey) {
        store.deleteKey(userId, accessKey);
        caches.remove(AccountCaches.CREDENTIALS, List.of(accessKey));
    }

    /** The credential of an access key (also when inactive). */
    public Optional<Credential> credential(String accessKey) {
        return store.keyOwner(accessKey).map(KeyOwner::credential);
    }

    /** An access key with its owner's role, for admin authentication. */
    public Optional<KeyOwner> keyOwner(String accessKey) {
        return store.keyOwner(accessKey);
    }

    /** Makes the root user an active admin whose only key is the given pair. */
    public void ensureRoot(String accessKey, String secretKey) {
        Names.accessKey(accessKey);
        if (secretKey == null || secretKey.length() < 8) {
            throw new AccountException("InvalidSecretKey", "root secret key shorter than 8 characters");
        }
        List<String> changed = store.ensureRoot(accessKey, secretKey);
        caches.remove(AccountCaches.CREDENTIALS, changed);
    }

    /** A bucket's record. */
    public Optional<BucketInfo> bucket(String name) {
        return store.bucket(name);
    }

    /** All buckets, or those of one owner, by name. */
    public List<BucketInfo> buckets(String ownerOrNull) {
        return store.buckets(ownerOrNull);
    }

    /**
     * Creates a bucket.
     *
     * @throws BucketConflictException when the name is taken
     */
    public BucketInfo createBucket(String name, String ownerId, String region) {
        Names.bucket(name);
        Names.region(region);
        BucketInfo created;
        try {
            created = store.createBucket(name, ownerId, region);
        } catch (AccountException e) {
            throw e;
        } catch (RuntimeException e) {
            // Most likely a concurrent creation of the same name (primary key): answer as S3 does.
            Optional<BucketInfo> winner = store.bucket(name);
            if (winner.isPresent()) {
                throw new BucketConflictException(
                        winner.get().ownerId().equals(ownerId)
                                ? BucketConflictException.Kind.ALREADY_OWNED_BY_YOU
                                : BucketConflictException.Kind.ALREADY_EXISTS, name);
            }
            throw e;
        }
        // A gateway may still hold a record of a deleted predecessor of the same name.
        caches.remove(AccountCaches.BUCKETS, List.of(name));
        return created;
    }

    /** Deletes a bucket's record; false when there was none. */
    public boolean deleteBucket(String name) {
        boolean deleted = store.deleteBucket(name);
        caches.remove(AccountCaches.BUCKETS, List.of(name));
        return deleted;
    }

    /**
     * Everything the manager's accounts hold, secrets included, read in one transaction: the
     * content of a backup.
     */
    public ManagerBackup backup() {
        return store.snapshot();
    }

    /**
     * Restores a backup in one transaction ({@link RestorePlanner} has the rules of each mode),
     * then removes every changed key and bucket from the gateways' caches, as every other change
     * does, so the gateways see the restored records at once.
     *
     * @param callerUserId the admin making the request
     * @param callerAccessKey the access key of the request
     * @throws AccountException {@code InvalidBackup}, {@code ManagerNotEmpty},
     *         {@code AccessKeyInUse}, {@code WouldLockOutCaller}; nothing changed then
     */
    public RestoreReport restore(ManagerBackup backup, RestoreMode mode, String callerUserId, String callerAccessKey) {
        RestorePlan plan = store.restore(backup, mode, callerUserId, callerAccessKey);
        caches.remove(AccountCaches.CREDENTIALS, plan.credentialKeys());
        caches.remove(AccountCaches.BUCKETS, plan.bucketNames());
        RestoreReport r = plan.report();
        LOG.info(() -> "restored the backup of " + r.backupCreatedAt() + " (mode " + r.mode().label() + ", by "
                + callerUserId + "): users " + r.users() + ", access keys " + r.accessKeys() + ", buckets "
                + r.buckets() + ", " + r.conflictCount() + " conflict(s) left as they were");
        return r;
    }

    /** The number of users. */
    public long userCount() {
        return store.userCount();
    }

    /** The number of buckets. */
    public long bucketCount() {
        return store.bucketCount();
    }
}
