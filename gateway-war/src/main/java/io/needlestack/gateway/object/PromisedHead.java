package io.needlestack.gateway.object;

import io.needlestack.storage.store.NeedleRecord;
import java.util.Optional;

/**
 * The answer of a HEAD that asked for call-back promises ({@link HeadPromise}).
 *
 * @param record   the newest version, tombstones included; empty when no replica holds the key
 * @param promised whether enough replicas promised that every write the cluster can acknowledge
 *                 reaches at least one of them (promises + W > N), so the asker hears of any
 *                 later write of the key before it is acknowledged
 */
public record PromisedHead(Optional<NeedleRecord> record, boolean promised) {

    /** An answer without promise: the asker must ask again next time. */
    public static PromisedHead unpromised(Optional<NeedleRecord> record) {
        return new PromisedHead(record, false);
    }
}
