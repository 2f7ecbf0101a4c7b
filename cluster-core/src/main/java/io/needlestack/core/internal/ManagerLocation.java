package io.needlestack.core.internal;

/**
 * Where gateways find the active manager: it publishes its base URL ({@code http://host:port},
 * without the context root) in the Hazelcast map {@value #MAP} under the key {@value #ACTIVE};
 * its internal API lives below {@value #INTERNAL_PATH}.
 */
public final class ManagerLocation {

    /** The Hazelcast map holding the manager's address. */
    public static final String MAP = "needlestack.manager";
    /** The key of the active manager's base URL. */
    public static final String ACTIVE = "active";
    /** The path of the internal API below the base URL. */
    public static final String INTERNAL_PATH = "/_admin/internal";

    private ManagerLocation() {
    }
}
