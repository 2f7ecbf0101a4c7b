package io.needlestack.storage.store;

/**
 * The state of this node's scrub: a walk over every version the index points at, reading each
 * needle in full and checking its checksums and MD5 against the bytes on disk; see
 * {@link NeedleConnection#scrubStart}.
 *
 * @param state            {@code idle} or {@code running}
 * @param outcome          how the last run ended: {@code none} (never ran, or still running), {@code done},
 *                         {@code failed} (see {@code message}), {@code stopped} (the store closed)
 * @param startedAtMillis  when the current or last run started (epoch ms), 0 when none ran
 * @param finishedAtMillis when the last run ended (epoch ms), 0 while running or when none ran
 * @param lastDoneMillis   when the last complete run ended, kept across restarts (epoch ms), 0 when none did
 * @param bytesPerSecond   the run's read rate limit
 * @param needlesVerified  needles read and verified by the current or last run
 * @param bytesVerified    their needle bytes
 * @param damagedFound     damaged versions the current or last run found
 * @param damagedNow       damaged versions waiting for a repair now (found by any run, read or compaction)
 * @param repaired         damaged versions replaced by a verified copy since the node started
 * @param message          why the run failed or stopped, or null
 */
public record ScrubStatus(String state, String outcome, long startedAtMillis, long finishedAtMillis,
                          long lastDoneMillis, long bytesPerSecond, long needlesVerified, long bytesVerified,
                          long damagedFound, long damagedNow, long repaired, String message)
        implements java.io.Serializable {
}
