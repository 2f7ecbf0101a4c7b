package io.needlestack.manager.account;

/**
 * A freshly generated key pair, shown once: the secret cannot be read back later through the
 * admin API.
 *
 * @param userId the owner
 * @param accessKey the access key id
 * @param secretKey the secret
 */
public record NewAccessKey(String userId, String accessKey, String secretKey) {

    @Override
    public String toString() {
        return "NewAccessKey[" + userId + ", " + accessKey + "]";
    }
}
