/**
 * The node's own endpoints beside S3: {@code /_health} (readiness, JSON) and {@code /_metrics}
 * (Prometheus text). Their paths start with an underscore, which no bucket name can, so they
 * never shadow a bucket.
 */
package io.needlestack.gateway.node;
