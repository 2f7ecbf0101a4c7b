package io.needlestack.storage.container;

import io.needlestack.storage.needle.NeedleFormat;
import io.needlestack.storage.store.CompactionRefusedException;
import io.needlestack.storage.store.CorruptNeedleException;
import io.needlestack.storage.store.StoreUnavailableException;
import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Compaction of one container: its live needles are verified and copied, byte for byte, into a
 * new file ({@code container-NNNNN.ndl.compacting} beside it), which then replaces the container
 * by an atomic rename. What stays behind is whatever the caller's {@link Plan} does not keep:
 * versions nothing in the index points at any more.
 *
 * <p>Online: the bulk is copied without any lock, while reads and writes go on; only the needles
 * appended meanwhile (the tail) are copied under the container's append lock, followed by the
 * fsync, the rename and the swap. Readers are never blocked: a stream already open keeps the old
 * (now unlinked) file through its reference; a record read before the swap names an offset in
 * the old file, which the successor's header check refuses ({@link StaleLocationException}) and
 * the engine resolves again.
 *
 * <p>Crash safety: until the rename the old file is untouched and the partial new file is deleted
 * at the next start. After the rename the new file holds a new incarnation, so until the caller has
 * moved the index entries and written the checkpoint of the new file, a restart finds the old
 * checkpoint's incarnation and re-indexes the container from the new file.
 */
public final class ContainerRewrite {

    private static final Logger LOG = Logger.getLogger(ContainerRewrite.class.getName());
    private static final SecureRandom RANDOM = new SecureRandom();
    /** Suffix of a container's file while its compacted successor is written. */
    public static final String SUFFIX = ".compacting";

    /** Which needles survive, and where they went. */
    public interface Plan {
        /** Whether the needle is still live and must be copied (decided on its header and names). */
        boolean keep(NeedleFormat.Head needle);

        /** The needle {@link #keep} kept, verified in full, is now at {@code newOffset} of the new file. */
        void kept(NeedleFormat.Head needle, long newOffset);

        /**
         * The needle {@link #keep} kept fails its checksums and is not copied: its index entry
         * names bytes that no longer exist once the file is swapped, so the version must be
         * repaired from another replica.
         */
        default void corrupt(NeedleFormat.Head needle, String detail) {
        }
    }

    /** Pauses and stops: called between needles, outside any lock. */
    @FunctionalInterface
    public interface Pacer {
        /** Returns when copying may go on; blocks while suspended; throws to abandon the rewrite. */
        void await();
    }

    /** Publishes the successor (and moves the index), under both containers' append locks. */
    @FunctionalInterface
    public interface Swap {
        /** Called once the new file has replaced the old one on disk. */
        void swapped(Container successor);
    }

    /**
     * What one rewrite did.
     *
     * @param successor   the container over the new file
     * @param bytesBefore the old file's length
     * @param bytesAfter  the new file's length
     * @param kept        needles copied
     * @param dropped     needles left behind
     * @param corrupt     regions that failed their checksums, skipped
     */
    public record Result(Container successor, long bytesBefore, long bytesAfter, long kept, long dropped,
                         long corrupt) {
    }

    private final Container old;
    private final Plan plan;
    private final long minFreeBytes;
    private long kept;
    private long dropped;
    private long corrupt;

    private ContainerRewrite(Container old, Plan plan, long minFreeBytes) {
        this.old = old;
        this.plan = plan;
        this.minFreeBytes = minFreeBytes;
    }

    /** The partial new file of a container's compaction: deleted at start-up (the old file is intact). */
    public static Path partialFile(Path containerFile) {
        return containerFile.resolveSibling(containerFile.getFileName() + SUFFIX);
    }

    /**
     * Rewrites {@code old}. {@code swap} runs once the new file is in place, with the old and the
     * new container's append locks held; the old container is retired after it (writers waiting
     * for it retry elsewhere), whether or not {@code swap} throws.
     *
     * @throws CompactionRefusedException {@code NotEnoughSpace} when free space ran short while copying
     *                                    (the partial file is deleted; nothing changed)
     */
    public static Result rewrite(Container old, Plan plan, Pacer pacer, long minFreeBytes, Swap swap)
            throws IOException {
        return new ContainerRewrite(old, plan, minFreeBytes).run(pacer, swap);
    }

    private Result run(Pacer pacer, Swap swap) throws IOException {
        FileLayer layer = old.layer();
        Path tmp = partialFile(old.path());
        layer.delete(tmp);
        StoreFile out = layer.open(tmp);
        boolean replaced = false;
        try {
            long incarnation;
            do {
                incarnation = RANDOM.nextLong();
            } while (incarnation == old.incarnation());
            out.truncate(0);
            out.write(NeedleFormat.encodeSuperblock(old.id(), incarnation), 0);
            long snapshot = old.end();
            long outEnd = copy(NeedleFormat.SUPERBLOCK_LENGTH, snapshot, out, NeedleFormat.SUPERBLOCK_LENGTH, pacer);
            // The bulk becomes durable outside the lock; the fsync under it covers only the tail.
            out.force();
            old.appendLock().lock();
            try {
                if (old.retired() || old.unwritableReason() != null) {
                    throw new StoreUnavailableException("container " + old.id() + " changed state while compacted: "
                            + (old.retired() ? "replaced" : old.unwritableReason()));
                }
                long before = old.end();
                outEnd = copy(snapshot, before, out, outEnd, () -> { });
                out.force();
                layer.replace(tmp, old.path());
                replaced = true;
                layer.syncDirectory(old.directory());
                Container successor = old.successor(out, incarnation, outEnd);
                successor.appendLock().lock();
                try {
                    swap.swapped(successor);
                } finally {
                    successor.appendLock().unlock();
                    old.retireLocked();
                }
                return new Result(successor, before, outEnd, kept, dropped, corrupt);
            } finally {
                old.appendLock().unlock();
            }
        } finally {
            if (!replaced) {
                out.close();
                layer.delete(tmp);
            }
        }
    }

    /** Copies the live needles of {@code [from, to)} to {@code out} from {@code outPos}; returns the new end. */
    private long copy(long from, long to, StoreFile out, long outPos, Pacer pacer) throws IOException {
        StoreFile in = old.file();
        long pos = from;
        while (pos < to) {
            pacer.await();
            NeedleFormat.Head n;
            try {
                n = NeedleFormat.readHead(in, pos, to);
            } catch (CorruptNeedleException e) {
                long next = old.nextValidNeedle(pos + NeedleFormat.ALIGNMENT, to);
                LOG.log(Level.SEVERE, "compaction of {0}: corrupt bytes at {1} ({2}) skipped{3}",
                        new Object[] {old.path(), pos, e.getMessage(), next < 0 ? " to the end" : " up to " + next});
                corrupt++;
                if (next < 0) {
                    break;
                }
                pos = next;
                continue;
            }
            long length = n.header().needleLength();
            // Only a kept needle is read in full: a dead one is skipped by its header's length, which
            // the header checksum vouches for, so garbage costs a header read, not an MD5 of its data.
            if (plan.keep(n)) {
                try {
                    NeedleFormat.read(in, pos, to);
                } catch (CorruptNeedleException e) {
                    LOG.log(Level.SEVERE, "compaction of {0}: the needle of {1}/{2} at {3} fails its checksums ({4});"
                            + " not copied", new Object[] {old.path(), n.bucket(), n.name(), pos, e.getMessage()});
                    corrupt++;
                    plan.corrupt(n, e.getMessage());
                    pos = n.end();
                    continue;
                }
                if (old.layer().usableSpace(old.directory()) - length < minFreeBytes) {
                    throw new CompactionRefusedException("NotEnoughSpace", "free space on " + old.directory()
                            + " ran short while compacting container " + old.id() + "; it is unchanged");
                }
                out.transferFrom(in, pos, length, outPos);
                plan.kept(n, outPos);
                outPos += length;
                kept++;
            } else {
                dropped++;
            }
            pos = n.end();
        }
        return outPos;
    }
}
