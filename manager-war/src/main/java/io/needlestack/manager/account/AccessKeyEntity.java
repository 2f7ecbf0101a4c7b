package io.needlestack.manager.account;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/**
 * A row of {@code ns_access_key}. The secret is stored as is: SigV4 and SigV2 need it in clear
 * on the server to compute the expected signature (AWS, MinIO and LeoFS do the same).
 */
@Entity
@Table(name = "ns_access_key")
class AccessKeyEntity {

    @Id
    @Column(name = "access_key", length = 128)
    String accessKey;

    @Column(name = "secret_key", nullable = false, length = 128)
    String secretKey;

    @Column(name = "user_id", nullable = false, length = 64)
    String userId;

    @Column(name = "active", nullable = false)
    boolean active;

    @Column(name = "created", nullable = false)
    long created;

    protected AccessKeyEntity() {
    }

    AccessKeyEntity(String accessKey, String secretKey, String userId, long created) {
        this.accessKey = accessKey;
        this.secretKey = secretKey;
        this.userId = userId;
        this.active = true;
        this.created = created;
    }

    /**
     * Sets a new secret and activates the key (root's key, from root.credentials at every start).
     * Methods of the entity for the reason given at {@link UserEntity#changeRole}.
     */
    void resetSecret(String newSecret) {
        this.secretKey = newSecret;
        this.active = true;
    }

    /** Takes a backup's record of this key (a restore that replaces). */
    void restore(String newSecret, String newUserId, boolean nowActive, long createdMillis) {
        this.secretKey = newSecret;
        this.userId = newUserId;
        this.active = nowActive;
        this.created = createdMillis;
    }
}
