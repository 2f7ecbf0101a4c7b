/** The hybrid logical clock that orders every write of the cluster. */
package io.needlestack.core.clock;
