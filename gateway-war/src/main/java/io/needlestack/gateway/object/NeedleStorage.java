package io.needlestack.gateway.object;

import io.needlestack.storage.store.NeedleKey;
import io.needlestack.storage.store.NeedleKind;
import io.needlestack.storage.store.NeedleRecord;
import io.needlestack.storage.store.NeedleWrite;
import io.needlestack.storage.store.PutResult;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;

/**
 * Where the object layer reads and writes needles. On one node that is the local storage EJB;
 * in a cluster it is the replicas the ring names, so the object layer never knows which.
 */
public interface NeedleStorage {

    /** Stores a needle durably (see {@code NeedleConnection#put}). */
    PutResult put(NeedleWrite write, InputStream data, long length, boolean keepOlderVersions);

    /** The newest version of a key, tombstones included. */
    Optional<NeedleRecord> head(NeedleKey key);

    /**
     * The newest version of a key, asking its replicas to promise a call-back before any later
     * write of it is acknowledged (see {@code CacheCoherence}). Storage that cannot promise
     * answers without promise: the asker then asks again next time.
     *
     * @param promise who asks; null asks for no promise
     */
    default PromisedHead headPromised(NeedleKey key, HeadPromise promise) {
        return PromisedHead.unpromised(head(key));
    }

    /**
     * What a kept answer of {@link #headPromised} depends on besides the promises: the placement
     * (ring) and the consistency levels. A kept answer is trusted only while this stays the same.
     */
    default long placementEpoch() {
        return 0;
    }

    /**
     * The newest version of a key as the next write will find it, for a conditional write's check:
     * never a kept answer of the object cache, and in a cluster asked of enough replicas that
     * every write quorum overlaps them (at least N - W + 1, and at least R); when fewer answer, a
     * retryable {@code StoreUnavailableException} rather than an answer that may miss the last
     * acknowledged write.
     */
    default Optional<NeedleRecord> headLatest(NeedleKey key) {
        return head(key);
    }

    /** One given version of a key. */
    Optional<NeedleRecord> head(NeedleKey key, String versionId);

    /** Streams part of a needle's data. */
    InputStream open(NeedleRecord record, long from, long length);

    /**
     * Whether this node keeps a replica of {@code key}, so that reading its data crosses no
     * network. The object cache keeps no disk copy of such data: it would only double the I/O.
     */
    default boolean holdsLocally(NeedleKey key) {
        return false;
    }

    /**
     * Whether a HEAD of {@code key} is answered by this node alone, asking no other node (no ring,
     * or a ring that places the key on this node only). A kept answer of such a HEAD saves only a
     * local index lookup, so the object cache asks more of it before keeping one.
     */
    default boolean answersAlone(NeedleKey key) {
        return false;
    }

    /** Newest version of every name of a kind in a bucket, in UTF-8 byte order. */
    List<NeedleRecord> list(NeedleKind kind, String bucket, String prefix, String startAfter, int limit,
                            boolean includeTombstones);
}
