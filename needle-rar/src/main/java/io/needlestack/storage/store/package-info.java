/**
 * The needle store as the storage EJBs see it: the connection factory the resource adapter
 * exposes, the connection handle, the records it returns and the typed failures it throws.
 *
 * <p>Everything here is a contract; the implementation (format, containers, index, adapter) lives in
 * sibling packages and stays package-private there.
 */
package io.needlestack.storage.store;
