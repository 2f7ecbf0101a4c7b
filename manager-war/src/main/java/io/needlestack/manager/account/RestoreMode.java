package io.needlestack.manager.account;

import java.util.Locale;

import io.needlestack.core.account.AccountException;

/** How a restore treats what the manager already holds (see {@link RestorePlanner}). */
public enum RestoreMode {
    /**
     * The default: only into a manager that holds nothing but what a fresh one creates at start-up
     * (the root user and its key); refused with {@code ManagerNotEmpty} otherwise.
     */
    FRESH,
    /** Adds the users, keys and buckets that do not exist; leaves existing ones as they are. */
    MERGE,
    /**
     * Makes the users, keys and buckets exactly those of the backup, except the root user and its
     * keys, which always stay as {@code root.credentials} made them.
     */
    REPLACE;

    /**
     * The mode named by the API's {@code mode} query parameter: absent or empty is
     * {@link #FRESH}, else {@code merge} or {@code replace}.
     *
     * @throws AccountException {@code InvalidArgument} for any other value
     */
    public static RestoreMode parse(String mode) {
        if (mode == null || mode.isBlank()) {
            return FRESH;
        }
        return switch (mode.strip().toLowerCase(Locale.ROOT)) {
            case "fresh" -> FRESH;
            case "merge" -> MERGE;
            case "replace" -> REPLACE;
            default -> throw new AccountException("InvalidArgument", "mode must be merge or replace (or absent): " + mode);
        };
    }

    /** The name used in the API, lower case. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
