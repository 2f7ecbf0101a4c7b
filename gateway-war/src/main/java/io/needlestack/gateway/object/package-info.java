/**
 * The object layer: S3 objects on top of needles. Small objects are one needle; large objects and
 * multipart uploads are chunks plus a manifest (ARCHITECTURE.md section 7). Independent of HTTP.
 */
package io.needlestack.gateway.object;
