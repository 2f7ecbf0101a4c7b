/** How results are shown: the console table, the JSON file and the ratios against the goals. */
package io.needlestack.bench.report;
