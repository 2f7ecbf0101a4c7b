package io.needlestack.manager.account;

import java.time.Instant;
import java.util.List;

/**
 * A user as the admin API shows it: never with secrets.
 *
 * @param id the user id
 * @param displayName the display name
 * @param role the role
 * @param active false when disabled
 * @param created when the user was created
 * @param accessKeys the user's access keys
 */
public record UserInfo(String id, String displayName, Role role, boolean active, Instant created,
                       List<AccessKeyInfo> accessKeys) {

    /**
     * An access key without its secret.
     *
     * @param accessKey the access key id
     * @param active false when disabled
     * @param created when the key was created
     */
    public record AccessKeyInfo(String accessKey, boolean active, Instant created) {
    }
}
