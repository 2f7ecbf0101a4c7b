/** Pure code shared by every Needlestack application: no beans, no EJBs, no container. */
package io.needlestack.core;
