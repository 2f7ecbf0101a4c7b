package io.needlestack.manager.account;

import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The changes of one restore, as {@link RestorePlanner} decided them; {@link AccountStore}
 * applies them in one transaction, {@link Accounts} then invalidates the caches.
 *
 * @param addUsers users to create
 * @param updateUsers users to change to these values
 * @param removeUsers ids of users to delete (their keys and buckets are removed or moved first)
 * @param addKeys access keys to create
 * @param updateKeys access keys to change to these values
 * @param removeKeys access keys to delete
 * @param addBuckets bucket records to create
 * @param updateBuckets bucket records to change to these values
 * @param removeBuckets names of bucket records to delete
 * @param credentialKeys the access keys whose cached credentials must go after the commit
 * @param bucketNames the bucket names whose cached records must go after the commit
 * @param report the counts for the answer
 */
record RestorePlan(List<ManagerBackup.User> addUsers, List<ManagerBackup.User> updateUsers, List<String> removeUsers,
                   List<ManagerBackup.Key> addKeys, List<ManagerBackup.Key> updateKeys, List<String> removeKeys,
                   List<ManagerBackup.Bucket> addBuckets, List<ManagerBackup.Bucket> updateBuckets,
                   List<String> removeBuckets, Set<String> credentialKeys, Set<String> bucketNames,
                   RestoreReport report) {

    /** Copies the collections. */
    RestorePlan {
        addUsers = List.copyOf(addUsers);
        updateUsers = List.copyOf(updateUsers);
        removeUsers = List.copyOf(removeUsers);
        addKeys = List.copyOf(addKeys);
        updateKeys = List.copyOf(updateKeys);
        removeKeys = List.copyOf(removeKeys);
        addBuckets = List.copyOf(addBuckets);
        updateBuckets = List.copyOf(updateBuckets);
        removeBuckets = List.copyOf(removeBuckets);
        // Ordered sets: the invalidations go out in a stable order (log lines, tests).
        credentialKeys = Collections.unmodifiableSet(new LinkedHashSet<>(credentialKeys));
        bucketNames = Collections.unmodifiableSet(new LinkedHashSet<>(bucketNames));
    }
}
