package io.needlestack.gateway.cluster;

import io.needlestack.core.ring.Ring;
import io.needlestack.core.ring.RingNode;
import io.needlestack.gateway.object.NeedleStorage;
import io.needlestack.storage.store.NeedleRecord;
import io.needlestack.storage.store.NeedleWrite;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Optional;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Delivers one hinted write of the {@link RepairQueue} to the replica that missed it: a tombstone
 * is written as it was; a version is copied from a ring member that holds it. Pure apart from the
 * stores it is given, so every outcome is tested without a server.
 */
final class HandOff {

    /** What became of one entry. */
    enum Outcome {
        /** The target now holds the version (copied or written). */
        DELIVERED(true),
        /** The target already held that version or a newer one. */
        ALREADY_THERE(true),
        /** A member holds a newer version, which carries its own hint if the target missed it. */
        SUPERSEDED(true),
        /**
         * Every member answered and none holds the version or a newer one: it was deleted and its
         * tombstone purged, or it never landed anywhere. Nothing can ever be copied, so waiting
         * on would keep the entry, and the restarted target waiting for its hints, forever.
         */
        NOWHERE(true),
        /** The target or a member that might hold the version did not answer: try again later. */
        UNAVAILABLE(false);

        private final boolean done;

        Outcome(boolean done) {
            this.done = done;
        }

        /** True when the entry can leave the queue. */
        boolean done() {
            return done;
        }
    }

    private static final Logger LOG = Logger.getLogger(HandOff.class.getName());

    private final Ring ring;
    private final Function<RingNode, NeedleStorage> nodes;

    /**
     * @param ring  the current ring (whose members are asked for the version)
     * @param nodes each member's store
     */
    HandOff(Ring ring, Function<RingNode, NeedleStorage> nodes) {
        this.ring = ring;
        this.nodes = nodes;
    }

    /**
     * Delivers {@code e} to {@code target}.
     *
     * @throws RuntimeException when the target cannot be asked or written (retry later)
     */
    Outcome deliver(RingNode target, RepairQueue.Entry e) {
        NeedleStorage to = nodes.apply(target);
        Optional<NeedleRecord> there = to.head(e.key());
        if (there.isPresent() && there.get().hlc() >= e.hlc()) {
            return Outcome.ALREADY_THERE;
        }
        if (e.tombstone()) {
            to.put(new NeedleWrite(e.key(), e.hlc(), e.versionId(), true, null), InputStream.nullInputStream(), 0, false);
            return Outcome.DELIVERED;
        }
        boolean everyoneAnswered = true;
        for (RingNode source : ring.members()) {
            if (source.id().equals(target.id())) {
                continue;
            }
            try {
                NeedleStorage from = nodes.apply(source);
                Optional<NeedleRecord> held = from.head(e.key());
                if (held.isEmpty()) {
                    continue;
                }
                NeedleRecord r = held.get();
                if (r.hlc() > e.hlc()) {
                    return Outcome.SUPERSEDED;
                }
                if (r.hlc() == e.hlc() && r.versionId().equals(e.versionId())) {
                    try (InputStream in = from.open(r, 0, r.dataLength())) {
                        to.put(new NeedleWrite(r.key(), r.hlc(), r.versionId(), r.tombstone(), r.metadata()), in,
                                r.dataLength(), false);
                    } catch (IOException x) {
                        throw new UncheckedIOException(x);
                    }
                    return Outcome.DELIVERED;
                }
            } catch (RuntimeException x) {
                // A copy that broke counts as a member that did not answer: never "nowhere".
                everyoneAnswered = false;
                LOG.log(Level.FINE, "repair source " + source.id() + " unavailable", x);
            }
        }
        return everyoneAnswered ? Outcome.NOWHERE : Outcome.UNAVAILABLE;
    }
}
