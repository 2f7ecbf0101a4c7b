/** Measurements of one phase: latency histograms, counters and the summary derived from them. */
package io.needlestack.bench.stats;
