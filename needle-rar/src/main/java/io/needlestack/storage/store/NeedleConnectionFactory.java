package io.needlestack.storage.store;

import jakarta.resource.Referenceable;
import java.io.Serializable;

/**
 * The connection factory the resource adapter binds in JNDI and the storage EJBs inject
 * ({@code @Resource(lookup = "java:app/needlestack/NeedleStore")}).
 */
public interface NeedleConnectionFactory extends Serializable, Referenceable {

    /** A handle onto the store; close it when done. */
    NeedleConnection getConnection();
}
