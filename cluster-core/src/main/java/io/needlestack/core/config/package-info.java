/** The node's configuration as the start scripts hand it over (system properties, environment). */
package io.needlestack.core.config;
