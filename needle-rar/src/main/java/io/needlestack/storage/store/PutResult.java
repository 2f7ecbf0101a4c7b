package io.needlestack.storage.store;

import java.util.List;

/**
 * Result of {@link NeedleConnection#put}.
 *
 * @param record     the newest record of the key after the write (the written one unless a newer existed)
 * @param applied    false when a newer version was already stored and this write did not replace it
 * @param superseded index entries the write replaced (their chunks can be collected by the caller)
 */
public record PutResult(NeedleRecord record, boolean applied, List<NeedleRecord> superseded)
        implements java.io.Serializable {
    public PutResult {
        superseded = superseded == null ? List.of() : List.copyOf(superseded);
    }
}
