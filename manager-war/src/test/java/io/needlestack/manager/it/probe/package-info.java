/**
 * A second application deployed beside the manager in the integration test, standing in for
 * the gateway: its own class loader, Payara's shared JCache manager and Hazelcast instance,
 * and {@link io.needlestack.core.internal.CachedManagerClient} exactly as the gateway uses it.
 * Test code only; never packaged into a product WAR.
 */
package io.needlestack.manager.it.probe;
