/**
 * Which manager node is the active one. Every node with the manager role runs the manager
 * application; exactly one of them holds the <em>manager lease</em>, a row in the shared manager
 * database ({@code ns_manager_lease}), and acts (publishes the ring, runs the heartbeat rounds,
 * answers the admin API); the others stand by, forward admin requests to it, and take the lease
 * over when it stops renewing. The lease's {@code term} fences every ring and settings write
 * ({@link io.needlestack.manager.ring.RingStore}), so a manager that lost the lease cannot write.
 */
package io.needlestack.manager.election;
