/**
 * The internal API for gateways under {@code /_admin/internal/}: credential lookup and bucket
 * records, every request authenticated with the cluster secret's HMAC
 * ({@link io.needlestack.core.internal.InternalAuth}), 403 otherwise. Bodies are
 * {@link io.needlestack.core.account.AccountJson}.
 */
package io.needlestack.manager.internal;
