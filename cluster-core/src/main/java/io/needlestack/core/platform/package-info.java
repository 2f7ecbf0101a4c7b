/** The one adapter over what the application server provides to the cluster (Hazelcast, JCache). */
package io.needlestack.core.platform;
