package io.needlestack.manager.account;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;

/** A row of {@code ns_user}. */
@Entity
@Table(name = "ns_user")
class UserEntity {

    @Id
    @Column(name = "id", length = 64)
    String id;

    @Column(name = "display_name", nullable = false)
    String displayName;

    @Enumerated(EnumType.STRING)
    @Column(name = "user_role", nullable = false, length = 16)
    Role role;

    @Column(name = "active", nullable = false)
    boolean active;

    @Column(name = "created", nullable = false)
    long created;

    // Optimistic locking: quotas and ACLs will be edited concurrently by several admins.
    @Version
    @Column(name = "row_version", nullable = false)
    long version;

    protected UserEntity() {
    }

    UserEntity(String id, String displayName, Role role, long created) {
        this.id = id;
        this.displayName = displayName;
        this.role = role;
        this.active = true;
        this.created = created;
    }
}
