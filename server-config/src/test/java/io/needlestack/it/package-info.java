/**
 * End-to-end test support: {@link io.needlestack.it.NodeProcess} starts real Needlestack nodes
 * (Payara Micro through {@code bin/needlestack}) on free loopback ports, and the {@code *IT}
 * classes here and in other test packages drive them with real clients.
 */
package io.needlestack.it;
