package io.needlestack.manager.account;

import io.needlestack.core.account.Credential;

/**
 * An access key with its owner's role, what admin authentication needs.
 *
 * @param credential the key, its secret and owner
 * @param role the owner's role
 */
public record KeyOwner(Credential credential, Role role) {
}
