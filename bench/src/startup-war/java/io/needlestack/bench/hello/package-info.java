/** A minimal JAX-RS application: the baseline of the start-up comparison. */
package io.needlestack.bench.hello;
