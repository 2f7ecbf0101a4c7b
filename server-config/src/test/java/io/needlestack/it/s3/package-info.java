/**
 * End-to-end S3 tests: real clients (AWS SDK for Java v2, raw signed HTTP, awscli, s3cmd, boto3)
 * against a real server process started through {@link io.needlestack.it.s3.NodeUnderTest}.
 *
 * <p>The same tests run against every target chosen with {@code -Dit.target}: {@code s3proxy} (a
 * reference S3 implementation, which proves the tests themselves right) and {@code needlestack}.
 * Where s3proxy lacks a feature the test is skipped only for that target, through
 * {@link io.needlestack.it.s3.Target#assumeSupportedByTarget}, never for Needlestack.
 *
 * <p>Run: {@code mvn verify -pl server-config} (s3proxy is copied from Maven Central in
 * {@code pre-integration-test}); one class: {@code -Dit.test=ListingIT}; another target:
 * {@code -Dit.target=needlestack}; re-check the s3proxy gaps: {@code -Dit.checkGaps=true}.
 * Each class starts its own server with its own data directory under
 * {@code target/it-work} and stops it after its last test, failed or not.
 */
package io.needlestack.it.s3;
