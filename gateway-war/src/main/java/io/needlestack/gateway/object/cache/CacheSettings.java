package io.needlestack.gateway.object.cache;

import io.needlestack.core.config.NodeConfig;

/**
 * Sizes of the object cache, from {@code needlestack.cache.*} system properties.
 *
 * @param enabled              {@code needlestack.cache.enabled}, default true
 * @param memoryBytes          {@code needlestack.cache.memory.bytes}: bound of the memory tier,
 *                             default 32 MiB (sized for a 384 MiB heap); 0 switches it off
 * @param memoryMaxObjectBytes {@code needlestack.cache.memory.max.object.bytes}: bodies under this
 *                             size go to memory, default 1 MiB
 * @param diskBytes            {@code needlestack.cache.disk.bytes}: bound of the disk tier, default
 *                             256 MiB; 0 switches it off
 * @param diskMaxObjectBytes   {@code needlestack.cache.disk.max.object.bytes}: larger bodies (and
 *                             chunks) up to this size go to disk, default 8 MiB (a 5 MiB chunk fits)
 * @param diskLocal            {@code needlestack.cache.disk.local}: whether the disk tier also keeps
 *                             bodies this node stores itself, default false (a copy on the same
 *                             kind of disk only doubles the I/O; true when the cache directory is
 *                             on faster media than the data, e.g. SSD before HDD)
 * @param minUses              {@code needlestack.cache.min.uses}: reads of a version before it is
 *                             cached, default 2 (as nginx's {@code proxy_cache_min_uses}; 1 caches
 *                             on the first read); see {@link Admission}
 */
public record CacheSettings(boolean enabled, long memoryBytes, long memoryMaxObjectBytes, long diskBytes,
                            long diskMaxObjectBytes, boolean diskLocal, int minUses) {

    /** Checks what no cache can work with. */
    public CacheSettings {
        if (minUses < 1 || minUses > Admission.MAX_MIN_USES) {
            throw new IllegalArgumentException("needlestack.cache.min.uses must be 1 to " + Admission.MAX_MIN_USES
                    + ", not " + minUses);
        }
    }

    /** Settings that cache on the first read. */
    public CacheSettings(boolean enabled, long memoryBytes, long memoryMaxObjectBytes, long diskBytes,
                         long diskMaxObjectBytes, boolean diskLocal) {
        this(enabled, memoryBytes, memoryMaxObjectBytes, diskBytes, diskMaxObjectBytes, diskLocal, 1);
    }

    /** Settings that cache on the first read and keep local bodies off the disk tier. */
    public CacheSettings(boolean enabled, long memoryBytes, long memoryMaxObjectBytes, long diskBytes,
                         long diskMaxObjectBytes) {
        this(enabled, memoryBytes, memoryMaxObjectBytes, diskBytes, diskMaxObjectBytes, false);
    }

    /** The settings of this node. */
    public static CacheSettings from(NodeConfig config) {
        return new CacheSettings(
                Boolean.parseBoolean(config.get("needlestack.cache.enabled", "true")),
                config.getLong("needlestack.cache.memory.bytes", 32L << 20),
                config.getLong("needlestack.cache.memory.max.object.bytes", 1L << 20),
                config.getLong("needlestack.cache.disk.bytes", 256L << 20),
                config.getLong("needlestack.cache.disk.max.object.bytes", 8L << 20),
                Boolean.parseBoolean(config.get("needlestack.cache.disk.local", "false")),
                (int) config.getLong("needlestack.cache.min.uses", 2));
    }

    /** Whether the memory tier holds anything at all. */
    boolean memoryOn() {
        return enabled && memoryBytes > 0 && memoryMaxObjectBytes > 0;
    }

    /** Whether the disk tier holds anything at all. */
    boolean diskOn() {
        return enabled && diskBytes > 0 && diskMaxObjectBytes >= (memoryOn() ? memoryMaxObjectBytes : 1);
    }
}
