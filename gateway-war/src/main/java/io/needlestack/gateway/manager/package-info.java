/**
 * The gateway's client of the manager: credentials and bucket records, read through the
 * distributed JCache caches that the manager invalidates on every change, fetched on a miss
 * from the active manager's internal API (found in Hazelcast) with the cluster secret's HMAC.
 */
package io.needlestack.gateway.manager;
