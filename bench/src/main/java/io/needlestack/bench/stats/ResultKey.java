package io.needlestack.bench.stats;

import io.needlestack.bench.options.Phase;

/**
 * Which measurement: a target, a phase and an object size.
 *
 * @param target the target's label
 * @param phase the phase
 * @param size the object size in bytes
 */
public record ResultKey(String target, Phase phase, long size) {
}
