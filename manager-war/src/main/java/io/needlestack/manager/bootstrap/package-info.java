/**
 * What the manager does when it starts: schema, root user from {@code <data>/root.credentials},
 * publishing its address to the gateways.
 */
package io.needlestack.manager.bootstrap;
