/**
 * The gateway in a cluster: which nodes hold a needle (the ring the manager publishes), and the
 * coordination of N/W/R/D replica writes, quorum and digest reads, read repair and merged listings
 * over the nodes' internal data plane.
 */
package io.needlestack.gateway.cluster;
