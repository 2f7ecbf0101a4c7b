/**
 * Rebalance: moving exactly the needles whose owners changed when the ring changes. While the
 * manager keeps the previous ring published, gateways write to the new owners and read from the
 * old ones when the new ones do not have a needle yet ({@link RebalancingNeedleStorage}); every
 * storage node scans its own store and copies what it must hand over, throttled, dropping its
 * copy only after every new owner confirmed it ({@link RebalanceMover}); each node reports its
 * progress in Hazelcast, where the manager sees when the rebalance is done.
 */
package io.needlestack.gateway.cluster.rebalance;
