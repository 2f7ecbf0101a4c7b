/**
 * Users, their access keys and buckets: JPA entities, the transactional store, and
 * {@link io.needlestack.manager.account.Accounts}, the one entry point of the APIs, which
 * invalidates the gateways' caches after every committed change and before it answers.
 */
package io.needlestack.manager.account;
