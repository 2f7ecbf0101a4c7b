package io.needlestack.manager.account;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;

import io.needlestack.core.account.AccountException;
import io.needlestack.core.account.BucketConflictException;
import io.needlestack.core.account.BucketInfo;
import io.needlestack.core.account.Credential;

/**
 * The account tables; every public method is one JTA transaction. Only {@link Accounts} calls
 * it, because a change is not finished until the caches are invalidated after the commit.
 */
@ApplicationScoped
@Transactional
class AccountStore {

    /** The root user's id. */
    static final String ROOT = "root";

    @PersistenceContext(unitName = "manager")
    EntityManager em;

    public UserInfo createUser(String id, String displayName, Role role, String accessKey, String secretKey) {
        if (em.find(UserEntity.class, id) != null) {
            throw new AccountException("UserAlreadyExists", "user " + id + " already exists");
        }
        long now = System.currentTimeMillis();
        em.persist(new UserEntity(id, displayName, role, now));
        // The key's foreign key needs the user row first, and without a mapped relationship
        // the provider does not know that order.
        em.flush();
        em.persist(new AccessKeyEntity(accessKey, secretKey, id, now));
        em.flush();
        return info(em.find(UserEntity.class, id));
    }

    /**
     * Creates a user whose first key is the given pair (import-user).
     *
     * @throws AccountException {@code UserAlreadyExists}; {@code AccessKeyInUse} when any user,
     *         root included, holds the access key
     */
    public UserInfo importUser(String id, String displayName, Role role, String accessKey, String secretKey) {
        if (em.find(UserEntity.class, id) != null) {
            throw new AccountException("UserAlreadyExists", "user " + id + " already exists");
        }
        AccessKeyEntity k = em.find(AccessKeyEntity.class, accessKey);
        if (k != null) {
            throw keyInUse(accessKey, k.userId);
        }
        return createUser(id, displayName, role, accessKey, secretKey);
    }

    static AccountException keyInUse(String accessKey, String owner) {
        return new AccountException("AccessKeyInUse", "access key " + accessKey + " already belongs to user " + owner);
    }

    public List<UserInfo> users() {
        List<UserInfo> out = new ArrayList<>();
        for (UserEntity u : em.createQuery("SELECT u FROM UserEntity u ORDER BY u.id", UserEntity.class).getResultList()) {
            out.add(info(u));
        }
        return out;
    }

    public Optional<UserInfo> user(String id) {
        return Optional.ofNullable(em.find(UserEntity.class, id)).map(this::info);
    }

    /** Deletes a user who owns no bucket; returns the access keys that stopped existing. */
    public List<String> deleteUser(String id) {
        UserEntity u = requireUser(id, LockModeType.PESSIMISTIC_WRITE);
        if (ROOT.equals(id)) {
            throw new AccountException("CannotDeleteRoot", "the root user cannot be deleted");
        }
        long owned = em.createQuery("SELECT COUNT(b) FROM BucketEntity b WHERE b.ownerId = :id", Long.class)
                .setParameter("id", id).getSingleResult();
        if (owned > 0) {
            throw new AccountException("UserOwnsBuckets", "user " + id + " still owns " + owned + " bucket(s)");
        }
        List<String> keys = new ArrayList<>();
        for (AccessKeyEntity k : keysOf(id)) {
            keys.add(k.accessKey);
            em.remove(k);
        }
        em.flush(); // keys before their user, as above
        em.remove(u);
        return keys;
    }

    /**
     * Gives a user another role ({@link RoleChanges} has the rules).
     *
     * @throws AccountException {@code NoSuchUser}, {@code CannotChangeRootRole}, {@code LastActiveAdmin}
     */
    public RoleChange changeRole(String id, Role role) {
        requireUser(id, LockModeType.NONE);
        List<UserEntity> admins = List.of();
        if (role != Role.ADMIN) {
            // Every admin row, locked in one statement before the user's own: two demotions at the
            // same time take their locks in the same order, and the second one counts the admins
            // the first one left.
            admins = em.createQuery("SELECT u FROM UserEntity u WHERE u.role = :r ORDER BY u.id", UserEntity.class)
                    .setParameter("r", Role.ADMIN).setLockMode(LockModeType.PESSIMISTIC_WRITE).getResultList();
        }
        UserEntity u = em.find(UserEntity.class, id);
        // Read again under the lock: the role read above may have changed meanwhile.
        em.refresh(u, LockModeType.PESSIMISTIC_WRITE);
        long otherUsableAdmins = admins.stream()
                .filter(a -> !a.id.equals(id) && a.role == Role.ADMIN && a.active)
                .filter(a -> keysOf(a.id).stream().anyMatch(k -> k.active))
                .count();
        Role previous = u.role;
        boolean changed = RoleChanges.check(id, previous, role, otherUsableAdmins);
        if (changed) {
            u.changeRole(role);
            em.flush();
        }
        return new RoleChange(info(u), previous, changed);
    }

    public NewAccessKey addKey(String userId, String accessKey, String secretKey) {
        requireUser(userId, LockModeType.NONE);
        em.persist(new AccessKeyEntity(accessKey, secretKey, userId, System.currentTimeMillis()));
        em.flush();
        return new NewAccessKey(userId, accessKey, secretKey);
    }

    public void deleteKey(String userId, String accessKey) {
        UserEntity u = requireUser(userId, LockModeType.PESSIMISTIC_WRITE);
        AccessKeyEntity k = em.find(AccessKeyEntity.class, accessKey);
        if (k == null || !k.userId.equals(userId)) {
            throw new AccountException("NoSuchAccessKey", "user " + userId + " has no access key " + accessKey);
        }
        if (u.role == Role.ADMIN && keysOf(userId).stream().filter(x -> x.active).count() <= 1 && k.active) {
            // An admin without a key could not undo this through the admin API.
            throw new AccountException("LastAdminKey", "cannot delete the last active key of an admin");
        }
        em.remove(k);
    }

    public Optional<KeyOwner> keyOwner(String accessKey) {
        AccessKeyEntity k = em.find(AccessKeyEntity.class, accessKey);
        if (k == null) {
            return Optional.empty();
        }
        UserEntity u = em.find(UserEntity.class, k.userId);
        return Optional.of(new KeyOwner(
                new Credential(k.accessKey, k.secretKey, u.id, u.displayName, k.active && u.active), u.role));
    }

    /**
     * Makes the root user an active admin whose only key is the given pair.
     *
     * @return the access keys whose records changed or vanished
     */
    public List<String> ensureRoot(String accessKey, String secretKey) {
        List<String> changed = new ArrayList<>();
        UserEntity root = em.find(UserEntity.class, ROOT, LockModeType.PESSIMISTIC_WRITE);
        if (root == null) {
            root = new UserEntity(ROOT, ROOT, Role.ADMIN, System.currentTimeMillis());
            em.persist(root);
            em.flush(); // the user row before its key's

        } else {
            root.makeActiveAdmin();
        }
        AccessKeyEntity k = em.find(AccessKeyEntity.class, accessKey);
        if (k != null && !k.userId.equals(ROOT)) {
            throw new AccountException("AccessKeyInUse",
                    "the root access key from root.credentials belongs to user " + k.userId);
        }
        for (AccessKeyEntity other : keysOf(ROOT)) {
            if (!other.accessKey.equals(accessKey)) {
                changed.add(other.accessKey);
                em.remove(other);
            }
        }
        if (k == null) {
            em.persist(new AccessKeyEntity(accessKey, secretKey, ROOT, System.currentTimeMillis()));
        } else if (!k.secretKey.equals(secretKey) || !k.active) {
            k.resetSecret(secretKey);
            changed.add(accessKey);
        }
        return changed;
    }

    public Optional<BucketInfo> bucket(String name) {
        return Optional.ofNullable(em.find(BucketEntity.class, name)).map(BucketEntity::info);
    }

    public List<BucketInfo> buckets(String ownerOrNull) {
        var q = ownerOrNull == null
                ? em.createQuery("SELECT b FROM BucketEntity b ORDER BY b.name", BucketEntity.class)
                : em.createQuery("SELECT b FROM BucketEntity b WHERE b.ownerId = :o ORDER BY b.name", BucketEntity.class)
                        .setParameter("o", ownerOrNull);
        return q.getResultList().stream().map(BucketEntity::info).toList();
    }

    public BucketInfo createBucket(String name, String ownerId, String region) {
        BucketEntity existing = em.find(BucketEntity.class, name);
        if (existing != null) {
            throw conflict(existing, ownerId);
        }
        requireUser(ownerId, LockModeType.NONE);
        BucketEntity b = new BucketEntity(name, ownerId, region, System.currentTimeMillis());
        em.persist(b);
        // Surface a concurrent creation (primary key) here, inside the transaction.
        em.flush();
        return b.info();
    }

    static BucketConflictException conflict(BucketEntity existing, String requester) {
        return new BucketConflictException(existing.ownerId.equals(requester)
                ? BucketConflictException.Kind.ALREADY_OWNED_BY_YOU
                : BucketConflictException.Kind.ALREADY_EXISTS, existing.name);
    }

    /**
     * Gives a bucket another owner (chown-bucket).
     *
     * @throws AccountException {@code NoSuchBucket}, {@code NoSuchUser}
     */
    public OwnerChange changeOwner(String name, String ownerId) {
        BucketEntity b = em.find(BucketEntity.class, name, LockModeType.PESSIMISTIC_WRITE);
        if (b == null) {
            throw new AccountException("NoSuchBucket", "no bucket " + name);
        }
        // Locked as deleteUser locks it: a user deleted at the same time either sees this bucket
        // (UserOwnsBuckets) or is gone before this finds it (NoSuchUser), never a dangling owner.
        requireUser(ownerId, LockModeType.PESSIMISTIC_WRITE);
        String previous = b.ownerId;
        boolean changed = !previous.equals(ownerId);
        if (changed) {
            b.changeOwner(ownerId);
            em.flush();
        }
        return new OwnerChange(b.info(), previous, changed);
    }

    public boolean deleteBucket(String name) {
        BucketEntity b = em.find(BucketEntity.class, name);
        if (b == null) {
            return false;
        }
        em.remove(b);
        return true;
    }

    /**
     * Every user, access key (with its secret) and bucket record, read in one transaction so that
     * they are consistent with each other.
     */
    public ManagerBackup snapshot() {
        List<ManagerBackup.User> users = em.createQuery("SELECT u FROM UserEntity u ORDER BY u.id", UserEntity.class)
                .getResultList().stream()
                .map(u -> new ManagerBackup.User(u.id, u.displayName, u.role, u.active, Instant.ofEpochMilli(u.created)))
                .toList();
        List<ManagerBackup.Key> keys = em.createQuery(
                        "SELECT k FROM AccessKeyEntity k ORDER BY k.userId, k.created, k.accessKey", AccessKeyEntity.class)
                .getResultList().stream()
                .map(k -> new ManagerBackup.Key(k.accessKey, k.secretKey, k.userId, k.active, Instant.ofEpochMilli(k.created)))
                .toList();
        List<ManagerBackup.Bucket> buckets = em.createQuery("SELECT b FROM BucketEntity b ORDER BY b.name", BucketEntity.class)
                .getResultList().stream()
                .map(b -> new ManagerBackup.Bucket(b.name, b.ownerId, b.region, Instant.ofEpochMilli(b.created)))
                .toList();
        return new ManagerBackup(Instant.now(), users, keys, buckets);
    }

    /**
     * Plans the restore of {@code backup} against the accounts as this transaction reads them
     * ({@link RestorePlanner}) and applies the plan, all in this one transaction: a refusal or a
     * failure changes nothing.
     */
    public RestorePlan restore(ManagerBackup backup, RestoreMode mode, String callerUserId, String callerAccessKey) {
        RestorePlan plan = new RestorePlanner(backup, snapshot(), mode, callerUserId, callerAccessKey).plan();
        // No mapped relationships, so the provider does not order the statements by the foreign
        // keys: users first, then what refers to them, removals of referring rows before the
        // users they refer to, each step flushed.
        for (ManagerBackup.User u : plan.addUsers()) {
            UserEntity e = new UserEntity(u.id(), u.displayName(), u.role(), u.created().toEpochMilli());
            e.active = u.active();
            em.persist(e);
        }
        for (ManagerBackup.User u : plan.updateUsers()) {
            em.find(UserEntity.class, u.id()).restore(u.displayName(), u.role(), u.active(),
                    u.created().toEpochMilli());
        }
        em.flush();
        for (ManagerBackup.Key k : plan.addKeys()) {
            AccessKeyEntity e = new AccessKeyEntity(k.accessKey(), k.secretKey(), k.userId(), k.created().toEpochMilli());
            e.active = k.active();
            em.persist(e);
        }
        for (ManagerBackup.Key k : plan.updateKeys()) {
            em.find(AccessKeyEntity.class, k.accessKey()).restore(k.secretKey(), k.userId(), k.active(),
                    k.created().toEpochMilli());
        }
        for (ManagerBackup.Bucket b : plan.addBuckets()) {
            em.persist(new BucketEntity(b.name(), b.owner(), b.region(), b.created().toEpochMilli()));
        }
        for (ManagerBackup.Bucket b : plan.updateBuckets()) {
            em.find(BucketEntity.class, b.name()).restore(b.owner(), b.region(), b.created().toEpochMilli());
        }
        em.flush();
        for (String k : plan.removeKeys()) {
            em.remove(em.find(AccessKeyEntity.class, k));
        }
        for (String b : plan.removeBuckets()) {
            em.remove(em.find(BucketEntity.class, b));
        }
        em.flush();
        for (String u : plan.removeUsers()) {
            em.remove(em.find(UserEntity.class, u));
        }
        em.flush();
        return plan;
    }

    public long userCount() {
        return em.createQuery("SELECT COUNT(u) FROM UserEntity u", Long.class).getSingleResult();
    }

    public long bucketCount() {
        return em.createQuery("SELECT COUNT(b) FROM BucketEntity b", Long.class).getSingleResult();
    }

    private UserEntity requireUser(String id, LockModeType lock) {
        UserEntity u = em.find(UserEntity.class, id, lock);
        if (u == null) {
            throw new AccountException("NoSuchUser", "no user " + id);
        }
        return u;
    }

    private List<AccessKeyEntity> keysOf(String userId) {
        return em.createQuery("SELECT k FROM AccessKeyEntity k WHERE k.userId = :u ORDER BY k.created, k.accessKey",
                AccessKeyEntity.class).setParameter("u", userId).getResultList();
    }

    private UserInfo info(UserEntity u) {
        List<UserInfo.AccessKeyInfo> keys = keysOf(u.id).stream()
                .map(k -> new UserInfo.AccessKeyInfo(k.accessKey, k.active, Instant.ofEpochMilli(k.created)))
                .toList();
        return new UserInfo(u.id, u.displayName, u.role, u.active, Instant.ofEpochMilli(u.created), keys);
    }
}
