package io.needlestack.manager.account;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;

import io.needlestack.core.account.BucketInfo;

/** A row of {@code ns_bucket}. */
@Entity
@Table(name = "ns_bucket")
class BucketEntity {

    @Id
    @Column(name = "name", length = 63)
    String name;

    @Column(name = "owner_id", nullable = false, length = 64)
    String ownerId;

    @Column(name = "region", nullable = false, length = 64)
    String region;

    @Column(name = "created", nullable = false)
    long created;

    @Version
    @Column(name = "row_version", nullable = false)
    long version;

    protected BucketEntity() {
    }

    BucketEntity(String name, String ownerId, String region, long created) {
        this.name = name;
        this.ownerId = ownerId;
        this.region = region;
        this.created = created;
    }

    /**
     * Gives the bucket another owner; a method of the entity for the reason given at
     * {@link UserEntity#changeRole}.
     */
    void changeOwner(String newOwner) {
        this.ownerId = newOwner;
    }

    /** Takes a backup's record of this bucket (a restore that replaces). */
    void restore(String newOwner, String newRegion, long createdMillis) {
        this.ownerId = newOwner;
        this.region = newRegion;
        this.created = createdMillis;
    }

    BucketInfo info() {
        return new BucketInfo(name, ownerId, region, Instant.ofEpochMilli(created));
    }
}
