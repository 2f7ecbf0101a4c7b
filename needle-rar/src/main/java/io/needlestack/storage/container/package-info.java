/**
 * Append-only container files: a superblock, then needles appended whole under the container's
 * append lock, made durable by group commit (one fsync for every needle appended while the previous
 * fsync ran), rolled back on a failed write, recovered by a checksum scan of the tail at start-up,
 * and read with positioned reads through reference-counted streams.
 *
 * <p>Every file access goes through {@link io.needlestack.storage.container.FileLayer}, so tests can
 * inject faults (a full disk) and know what was fsynced (a power loss).
 */
package io.needlestack.storage.container;
