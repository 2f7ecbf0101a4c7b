package io.needlestack.gateway.account;

import static io.needlestack.gateway.account.ManagerCalls.call;

import io.needlestack.core.account.BucketConflictException;
import io.needlestack.core.account.BucketInfo;
import io.needlestack.gateway.manager.ManagerClient;
import io.needlestack.gateway.s3.error.S3ErrorCode;
import io.needlestack.gateway.s3.error.S3Exception;
import io.needlestack.gateway.s3.operation.Bucket;
import io.needlestack.gateway.s3.operation.BucketRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Optional;

/** Bucket records from the manager (cached through JCache by the client, invalidated on change). */
@ApplicationScoped
class ManagerBuckets implements BucketRegistry {

    @Inject
    ManagerClient manager;

    @Override
    public Optional<Bucket> find(String name) {
        return call(() -> manager.bucket(name).map(ManagerBuckets::bucket));
    }

    @Override
    public List<Bucket> ownedBy(String userId) {
        return call(() -> manager.buckets(userId).stream().map(ManagerBuckets::bucket).toList());
    }

    @Override
    public Bucket create(String name, String ownerId, String region) {
        try {
            return call(() -> bucket(manager.createBucket(name, ownerId, region)));
        } catch (BucketConflictException e) {
            throw new S3Exception(e.kind() == BucketConflictException.Kind.ALREADY_OWNED_BY_YOU
                    ? S3ErrorCode.BUCKET_ALREADY_OWNED_BY_YOU : S3ErrorCode.BUCKET_ALREADY_EXISTS, null, "/" + name)
                    .with("BucketName", name);
        }
    }

    @Override
    public void delete(String name) {
        call(() -> manager.deleteBucket(name));
    }

    private static Bucket bucket(BucketInfo b) {
        // Display names of other users are not looked up per request; the id stands in for them.
        return new Bucket(b.name(), b.ownerId(), b.ownerId(), b.region(), b.created());
    }
}
