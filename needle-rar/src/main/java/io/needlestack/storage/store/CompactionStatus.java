package io.needlestack.storage.store;

/**
 * The state of this node's compaction: the current run, or the last one when none runs.
 * Compaction copies the live needles of a container into a new file and drops the rest
 * (overwritten and deleted versions, copies handed to other nodes, purged tombstones); see
 * {@link NeedleConnection#compactStart}.
 *
 * @param state              {@code idle} (never ran, or the last run ended), {@code running},
 *                           {@code suspended}
 * @param outcome            how the last run ended: {@code none} (never ran, or still running),
 *                           {@code done}, {@code failed} (see {@code message}), {@code stopped}
 *                           (the store closed)
 * @param startedAtMillis    when the current or last run started (epoch ms), 0 when none ran
 * @param finishedAtMillis   when the last run ended (epoch ms), 0 while running or when none ran
 * @param containersTotal    containers the run was asked to compact
 * @param containersDone     containers compacted so far
 * @param currentContainer   the container being compacted, -1 when none
 * @param bytesBefore        file bytes of the compacted containers before the run
 * @param bytesAfter         file bytes of the same containers after it
 * @param needlesKept        needles copied into the new files
 * @param needlesDropped     needles left behind (nothing in the index points at them)
 * @param corruptSkipped     regions that failed their checksums and were skipped (logged)
 * @param message            why the run failed or stopped, or null
 * @param containerFileBytes file bytes of every container now
 */
public record CompactionStatus(String state, String outcome, long startedAtMillis, long finishedAtMillis,
                               int containersTotal, int containersDone, int currentContainer, long bytesBefore,
                               long bytesAfter, long needlesKept, long needlesDropped, long corruptSkipped,
                               String message, long containerFileBytes) implements java.io.Serializable {
}
