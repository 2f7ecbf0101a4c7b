/**
 * One class per S3 operation, named as AWS names it (ListBuckets, PutObject, ...). Each takes an
 * authenticated {@link io.needlestack.gateway.s3.http.S3Request} and answers with a JAX-RS
 * response or an {@link io.needlestack.gateway.s3.error.S3Exception}.
 */
package io.needlestack.gateway.s3.operation;
