/**
 * The manager's side of the cluster fabric, behind one Payara-specific adapter: publishing the
 * manager's address in Hazelcast and invalidating the gateways' JCache entries. Without a
 * cluster (Payara Micro {@code --nocluster}, or a server without Hazelcast) both are skipped and
 * gateways fall back to calling the local manager uncached.
 */
package io.needlestack.manager.cluster;
