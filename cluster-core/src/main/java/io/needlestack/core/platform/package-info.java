/**
 * What the application server provides to the cluster: the one adapter over it (Hazelcast,
 * JCache), and the check that a deployment found the beans that start its work.
 */
package io.needlestack.core.platform;
