/**
 * needlestack-bench: an S3 load tool built on the AWS SDK for Java v2. {@link
 * io.needlestack.bench.BenchMain} runs timed phases (PUT, GET, mixed 80/20, LIST, DELETE) at
 * several object sizes against one or more S3 endpoints, alternating between them round by round,
 * and prints and writes the results and their ratios.
 */
package io.needlestack.bench;
