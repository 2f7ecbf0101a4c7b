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

    /**
     * Gives the user another role. A method of the entity rather than an assignment from another
     * class: the provider weaves change tracking into the entity's own accesses of its fields
     * only, so an outside assignment changes the object but never reaches the database.
     */
    void changeRole(Role newRole) {
        this.role = newRole;
    }

    /** Makes the user an active admin again (root, from root.credentials at every start). */
    void makeActiveAdmin() {
        this.role = Role.ADMIN;
        this.active = true;
    }

    /** Takes a backup's record of this user (a restore that replaces). */
    void restore(String newDisplayName, Role newRole, boolean nowActive, long createdMillis) {
        this.displayName = newDisplayName;
        this.role = newRole;
        this.active = nowActive;
        this.created = createdMillis;
    }
}
