/**
 * Users, their access keys and buckets: JPA entities, the transactional store, and
 * {@link io.needlestack.manager.account.Accounts}, the one entry point of the APIs, which
 * invalidates the gateways' caches after every committed change and before it answers.
 * {@link io.needlestack.manager.account.ManagerBackup} is all of it as one value (backup and
 * restore), {@link io.needlestack.manager.account.RestorePlanner} the rules of a restore,
 * {@code RoleChanges} those of a role change and {@code Names} what names and keys may look like.
 */
package io.needlestack.manager.account;
