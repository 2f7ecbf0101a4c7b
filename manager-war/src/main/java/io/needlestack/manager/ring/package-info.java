/**
 * The manager's side of placement: the ring versions and cluster settings in the database
 * (changed only by compare-and-set on a version, so a manager that lost leadership cannot
 * overwrite a newer ring), the operator's node decisions (attach, detach, suspend), the LeoFS
 * node states shown in status, and the publication of ring and consistency levels through
 * Hazelcast ({@link io.needlestack.core.ring.RingPublication}).
 */
package io.needlestack.manager.ring;
