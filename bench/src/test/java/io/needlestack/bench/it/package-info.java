/** The smoke test of the tool against a real S3 server (s3proxy in its own process). */
package io.needlestack.bench.it;
