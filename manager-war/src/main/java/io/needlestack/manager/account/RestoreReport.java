package io.needlestack.manager.account;

import java.time.Instant;
import java.util.List;

/**
 * What a restore did, for the API's answer.
 *
 * @param mode the mode it ran in
 * @param backupCreatedAt when the restored backup was taken
 * @param users what happened to the backup's users (and, removed, to the manager's own)
 * @param accessKeys the same for access keys
 * @param buckets the same for bucket records
 * @param conflicts up to {@link RestorePlanner#MAX_CONFLICTS} descriptions of entries that a
 *        merge left as they are although the backup holds them otherwise
 * @param conflictCount how many such entries there were in all
 */
public record RestoreReport(RestoreMode mode, Instant backupCreatedAt, Counts users, Counts accessKeys,
                            Counts buckets, List<String> conflicts, int conflictCount) {

    /** Copies the list. */
    public RestoreReport {
        conflicts = List.copyOf(conflicts);
    }

    /**
     * Counts of one kind of entry.
     *
     * @param added in the backup, not in the manager: created
     * @param updated in both and different: changed to the backup's values ({@code replace} only)
     * @param removed in the manager, not in the backup: deleted ({@code replace} only)
     * @param skipped in the backup but left as it is: already there ({@code merge}: whatever it
     *        holds; {@code replace}: identical), or root's (always kept)
     */
    public record Counts(int added, int updated, int removed, int skipped) {
    }
}
