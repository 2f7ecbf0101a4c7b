/**
 * The node registry: every node's self-description (id, roles, endpoints, rack, store size) and
 * heartbeat, published through Hazelcast so that the manager and the gateways see the cluster.
 */
package io.needlestack.core.node;
