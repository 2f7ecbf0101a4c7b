/**
 * End-to-end S3 tests: real clients (AWS SDK for Java v2, raw signed HTTP, awscli, s3cmd, boto3)
 * against a real server process started through {@link io.needlestack.it.s3.NodeUnderTest}.
 *
 * <p>The same tests run against every target chosen with {@code -Dit.target}: {@code s3proxy} (a
 * reference S3 implementation, which proves the tests themselves right) and {@code needlestack}.
 * Where s3proxy lacks a feature the test is skipped only for that target, through
 * {@link io.needlestack.it.s3.Target#assumeSupportedByTarget}, never for Needlestack.
 */
package io.needlestack.it.s3;
