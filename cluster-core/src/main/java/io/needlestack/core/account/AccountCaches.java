package io.needlestack.core.account;

/**
 * Names of the distributed JCache caches that hold account records, shared by the manager
 * (which removes entries on every change, before it answers) and the gateways (which read
 * through them). Keys are the access key id and the bucket name; values are
 * {@link AccountJson} strings, never application classes, because each application has its
 * own class loader and the cache is shared by all of them.
 */
public final class AccountCaches {

    /** Access key id to credential JSON. */
    public static final String CREDENTIALS = "needlestack.credentials";
    /** Bucket name to bucket JSON. */
    public static final String BUCKETS = "needlestack.buckets";

    private AccountCaches() {
    }
}
