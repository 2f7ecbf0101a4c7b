/**
 * The gateway's client of the manager: credentials and bucket records, read through the
 * distributed JCache caches that the manager invalidates on every change, fetched on a miss
 * from the active manager's internal API (found in Hazelcast) with the cluster secret's HMAC.
 * Decoded records are also held in this JVM for a few seconds (near cache); the manager drops
 * them after every change through {@code POST /_internal/v1/account/invalidate}
 * ({@link io.needlestack.gateway.manager.AccountInvalidationResource}).
 */
package io.needlestack.gateway.manager;
