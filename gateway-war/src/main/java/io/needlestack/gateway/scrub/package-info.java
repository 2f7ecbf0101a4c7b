/**
 * Scrubbing and self-repair of this node's stored versions (see the README, "Scrubbing").
 *
 * <p>The store reads every needle it holds in full at a bounded rate and lists those whose bytes
 * fail their checksums (as it does for damage that a read or a compaction meets); a listed
 * version is no longer served by this node, so coordinators read another replica.
 * {@link io.needlestack.gateway.scrub.ScrubService} starts the scrub on its schedule and replaces
 * every listed version with a copy from a replica that holds the same version, verified against
 * the MD5 this node indexed. {@link io.needlestack.gateway.scrub.ScrubResource} is the internal
 * plane's {@code /_internal/v1/scrub}, which the manager's {@code scrub-start} and
 * {@code scrub-status} reach.
 */
package io.needlestack.gateway.scrub;
