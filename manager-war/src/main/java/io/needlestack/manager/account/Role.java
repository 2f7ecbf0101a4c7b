package io.needlestack.manager.account;

/** What a user may do: {@code ADMIN} may use the admin API; {@code USER} only S3. */
public enum Role {
    /** Operator: the admin API and everything in S3. */
    ADMIN,
    /** S3 only, on the user's own buckets (ACLs come later). */
    USER
}
