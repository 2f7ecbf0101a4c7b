package io.needlestack.manager.account;

/**
 * The outcome of {@code update-user-role}.
 *
 * @param user the user as it is now
 * @param previous the role it had
 * @param changed false when it had the role already
 */
public record RoleChange(UserInfo user, Role previous, boolean changed) {
}
