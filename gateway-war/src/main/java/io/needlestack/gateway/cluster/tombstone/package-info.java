/**
 * Tombstone purge: deletes are tombstones, and a tombstone may be forgotten only once no replica
 * can bring the deleted version back. {@link io.needlestack.gateway.cluster.tombstone.PurgeRules}
 * holds the decisions (pure, unit-tested); {@link io.needlestack.gateway.cluster.tombstone.TombstonePurger}
 * is the background pass each storage node runs over its own store.
 */
package io.needlestack.gateway.cluster.tombstone;
