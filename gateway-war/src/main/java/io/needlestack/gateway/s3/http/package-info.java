/**
 * The S3 endpoint over HTTP: one JAX-RS resource at the root that parses path-style and
 * virtual-host-style requests, authenticates them and hands them to the operation they name.
 */
package io.needlestack.gateway.s3.http;
