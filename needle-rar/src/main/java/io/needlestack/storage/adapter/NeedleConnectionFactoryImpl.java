package io.needlestack.storage.adapter;

import io.needlestack.storage.store.NeedleConnection;
import io.needlestack.storage.store.NeedleConnectionFactory;
import io.needlestack.storage.store.NeedleStoreException;
import io.needlestack.storage.store.StoreUnavailableException;
import jakarta.resource.ResourceException;
import jakarta.resource.spi.ConnectionManager;
import javax.naming.Reference;

/**
 * The connection factory bound in JNDI. Public only because the {@code @ConnectionDefinition}
 * names it; applications use it through {@link NeedleConnectionFactory}.
 */
public final class NeedleConnectionFactoryImpl implements NeedleConnectionFactory {
    private static final long serialVersionUID = 1L;

    private final NeedleManagedConnectionFactory factory;
    private final ConnectionManager connectionManager;
    private Reference reference;

    NeedleConnectionFactoryImpl(NeedleManagedConnectionFactory factory, ConnectionManager connectionManager) {
        this.factory = factory;
        this.connectionManager = connectionManager;
    }

    /**
     * A handle from the server's pool.
     *
     * @throws StoreUnavailableException when the pool or the adapter cannot give one (retryable)
     */
    @Override
    public NeedleConnection getConnection() {
        try {
            return (NeedleConnection) connectionManager.allocateConnection(factory, null);
        } catch (ResourceException e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof NeedleStoreException n) {
                    throw n;
                }
            }
            throw new StoreUnavailableException("no needle store connection: " + e.getMessage(), e);
        }
    }

    @Override
    public void setReference(Reference reference) {
        this.reference = reference;
    }

    @Override
    public Reference getReference() {
        return reference;
    }
}
