package io.needlestack.manager.account;

import io.needlestack.core.account.AccountException;

/**
 * The rules of {@code update-user-role} (LeoFS's), apart from the database so that they can be
 * tested alone; {@link AccountStore#changeRole} reads what they need in the transaction that
 * applies the change.
 */
final class RoleChanges {

    private RoleChanges() {
    }

    /**
     * Whether {@code userId}'s role may go from {@code current} to {@code wanted}, and whether
     * that changes anything.
     *
     * @param otherUsableAdmins the active admins other than {@code userId} that hold an active
     *        access key: those who could still use the admin API after a demotion
     * @return false when the user has the role already (nothing to write)
     * @throws AccountException 409 {@code CannotChangeRootRole}: root is an admin by
     *         {@code root.credentials}, which the manager re-applies at every start, so a change
     *         would not last; 409 {@code LastActiveAdmin}: nobody could use the admin API any more
     *         (with root as always an active admin this needs a database edited by hand)
     */
    static boolean check(String userId, Role current, Role wanted, long otherUsableAdmins) {
        if (current == wanted) {
            return false;
        }
        if (AccountStore.ROOT.equals(userId)) {
            throw new AccountException("CannotChangeRootRole",
                    "the root user is always an admin (its key comes from root.credentials)");
        }
        if (current == Role.ADMIN && otherUsableAdmins == 0) {
            throw new AccountException("LastActiveAdmin", "user " + userId
                    + " is the last active admin with an active key: make another admin first");
        }
        return true;
    }
}
