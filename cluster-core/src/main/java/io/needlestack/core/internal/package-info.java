/**
 * Authentication of node-to-node requests and the client of the manager's internal API.
 *
 * <p>Every internal request carries an HMAC-SHA256 over its method, target, a timestamp and a
 * random nonce, keyed with the cluster secret ({@code <data>/cluster.secret}); the receiver
 * checks the clock skew and refuses a nonce it has already seen, so a captured request can be
 * neither forged nor replayed ({@link io.needlestack.core.internal.InternalAuth}).
 */
package io.needlestack.core.internal;
