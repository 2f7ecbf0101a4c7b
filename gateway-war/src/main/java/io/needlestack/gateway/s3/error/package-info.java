/** S3 errors: one closed enum of AWS error codes, one exception, one renderer. */
package io.needlestack.gateway.s3.error;
