/**
 * Accounts as the gateways see them: credentials and bucket records, the errors of the
 * manager's account operations, and their JSON form, shared by the manager (which serves them)
 * and the gateways (which call it and cache the JSON in a distributed cache, where plain
 * strings are the only values both applications' class loaders can read).
 */
package io.needlestack.core.account;
