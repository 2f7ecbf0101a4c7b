/** What a benchmark run is asked to do: the command line, sizes, durations and phases. */
package io.needlestack.bench.options;
