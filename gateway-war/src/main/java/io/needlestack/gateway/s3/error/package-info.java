/**
 * The S3 errors the gateway can answer with: one closed enum of S3's error codes
 * ({@link io.needlestack.gateway.s3.error.S3ErrorCode}) and the exception that carries one
 * ({@link io.needlestack.gateway.s3.error.S3Exception}) up to the JAX-RS exception mapper, which
 * renders it as S3's XML error document.
 */
package io.needlestack.gateway.s3.error;
