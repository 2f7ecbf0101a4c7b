/**
 * Placement of objects on storage nodes: the consistent-hash {@link io.needlestack.core.ring.Ring}
 * (MD5 over a 128-bit space, weighted virtual nodes, replicas on distinct nodes and racks), how the
 * manager derives the next ring ({@link io.needlestack.core.ring.RingBuilder}), how it is encoded
 * for publication and storage ({@link io.needlestack.core.ring.RingCodec}) and what moves when it
 * changes ({@link io.needlestack.core.ring.RebalancePlan}).
 *
 * <p>Everything here is pure and immutable: inputs in constructors, no I/O, no container, so the
 * manager, the gateways and the storage nodes compute exactly the same placement from the same
 * bytes, and the algorithms are tested without a server.
 */
package io.needlestack.core.ring;
