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
     * Creates a user whose first key is the given pair (LeoFS's {@code import-user}): for users
     * moved from another S3 store, whose clients keep their keys. The pair is checked by the
     * rules every key the manager takes follows ({@code Names}); the secret is stored as given
     * and, unlike a generated one, not shown back.
     *
     * @throws AccountException 400 {@code InvalidUserId}, {@code MalformedAccessKeyId},
     *         {@code InvalidSecretKey}, {@code InvalidArgument} (display name); 409
     *         {@code UserAlreadyExists}, {@code AccessKeyInUse} (any user's key, root's included)
     */
    public UserInfo importUser(String id, String displayName, Role role, String accessKey, String secretKey) {
        Names.userId(id);
        Names.accessKey(accessKey);
        Names.secretKey(secretKey);
        String name = Names.displayName(displayName, id);
        UserInfo user;
        try {
            user = store.importUser(id, name, role == null ? Role.USER : role, accessKey, secretKey);
        } catch (AccountException e) {
            throw e;
        } catch (RuntimeException e) {
            // Most likely a concurrent creation of the same user or key (primary key): answer as
            // the one that came first made it.
            if (store.user(id).isPresent()) {
                throw new AccountException("UserAlreadyExists", "user " + id + " already exists");
            }
            Optional<KeyOwner> holder = store.keyOwner(accessKey);
            if (holder.isPresent()) {
                throw AccountStore.keyInUse(accessKey, holder.get().credential().userId());
            }
            throw e;
        }
        // Unlike a generated key, an imported one may have existed before (deleted, imported
        // again): a gateway that missed that deletion's invalidation must not keep the old secret.
        caches.remove(AccountCaches.CREDENTIALS, List.of(accessKey));
        LOG.info(() -> "user " + id + " (" + user.role().name().toLowerCase(java.util.Locale.ROOT)
                + ") imported with access key " + accessKey);
        return user;
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

    /**
     * Gives a user another role (LeoFS's {@code update-user-role}). The admin API reads the role
     * from the database at every request, so the change holds from the next request on.
     *
     * @throws AccountException 404 {@code NoSuchUser}; 409 {@code CannotChangeRootRole},
     *         {@code LastActiveAdmin}
     */
    public RoleChange changeRole(String id, Role role) {
        RoleChange c = store.changeRole(id, role);
        if (c.changed()) {
            // The credential records the gateways cache carry no role today (in S3 only root is
            // an administrator), but they are the user's record as a gateway sees it: dropped, as
            // after every other change of a user, so that no gateway answers from a record older
            // than the change if it ever reads the role from it. One fan-out, for a rare change.
            caches.remove(AccountCaches.CREDENTIALS,
                    c.user().accessKeys().stream().map(UserInfo.AccessKeyInfo::accessKey).toList());
            LOG.info(() -> "user " + id + ": role " + c.previous().name().toLowerCase(java.util.Locale.ROOT)
                    + " -> " + role.name().toLowerCase(java.util.Locale.ROOT));
        }
        return c;
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

    /**
     * Gives a bucket another owner (LeoFS's {@code chown-bucket}); the bucket is removed from
     * every gateway's cache before this returns, so S3 access follows the new owner at once.
     *
     * @throws AccountException 404 {@code NoSuchBucket}, {@code NoSuchUser}
     */
    public OwnerChange changeOwner(String bucket, String ownerId) {
        OwnerChange c = store.changeOwner(bucket, ownerId);
        if (c.changed()) {
            caches.remove(AccountCaches.BUCKETS, List.of(bucket));
            LOG.info(() -> "bucket " + bucket + ": owner " + c.previousOwner() + " -> " + ownerId);
        }
        return c;
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
