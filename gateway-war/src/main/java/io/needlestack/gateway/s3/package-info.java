/** The S3 protocol: HTTP resources, authentication, XML, errors and one class per AWS operation. */
package io.needlestack.gateway.s3;
