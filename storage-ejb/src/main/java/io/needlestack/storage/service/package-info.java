/**
 * The storage EJBs: this node's needle store as enterprise beans, called by the gateway on the
 * same node (and, for other nodes, by the internal data-plane endpoint).
 */
package io.needlestack.storage.service;
