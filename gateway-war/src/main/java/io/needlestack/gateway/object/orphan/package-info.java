/**
 * Orphaned chunks: chunk needles that no manifest lists any more and whose regular collection
 * never ran (the node restarted during the delay before it, or died between a large PUT's chunks
 * and its manifest). {@link io.needlestack.gateway.object.orphan.ChunkReferences} reads from a
 * chunk's name where its manifest may be and {@link io.needlestack.gateway.object.orphan.OrphanLedger}
 * decides when an unreferenced chunk may go (both pure, unit-tested);
 * {@link io.needlestack.gateway.object.orphan.OrphanChunkCollector} is the background pass each
 * storage node runs over its own store.
 */
package io.needlestack.gateway.object.orphan;
