/**
 * Accounts as the S3 layer needs them (credentials, buckets, who is an administrator), answered
 * from the manager through {@link io.needlestack.gateway.manager.ManagerClient}.
 */
package io.needlestack.gateway.account;
