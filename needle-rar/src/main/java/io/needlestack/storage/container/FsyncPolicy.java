package io.needlestack.storage.container;

import java.util.Locale;

/** When a PUT's needle is forced to disk before the PUT returns. */
public enum FsyncPolicy {
    /** Every PUT waits for an fsync that covers its needle; concurrent PUTs share fsyncs. The default. */
    GROUP,
    /**
     * Never fsync: a PUT returns once its needle is in the page cache. UNSAFE: a power loss or
     * kernel crash loses acknowledged writes. For benchmarks only.
     */
    NONE;

    /** Parses a configuration value ({@code group} or {@code none}, any case). */
    public static FsyncPolicy parse(String value) {
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("fsync policy must be 'group' or 'none', not '" + value + "'", e);
        }
    }
}
