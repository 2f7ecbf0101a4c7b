/** S3's XML: a streaming writer for responses and a hardened, bounded reader for request bodies. */
package io.needlestack.gateway.s3.xml;
