package io.needlestack.storage.store;

/**
 * A compaction request that cannot be carried out as asked: one already runs ({@code CompactionRunning}),
 * none runs to suspend or resume ({@code CompactionNotRunning}), free space is smaller than a
 * container to copy ({@code NotEnoughSpace}), or an unknown container was named
 * ({@code NoSuchContainer}). Not retryable as is.
 */
public class CompactionRefusedException extends NeedleStoreException {
    private final String code;

    public CompactionRefusedException(String code, String message) {
        super(message, false, null);
        this.code = code;
    }

    /** The refusal's code, as the admin API reports it. */
    public String code() {
        return code;
    }
}
