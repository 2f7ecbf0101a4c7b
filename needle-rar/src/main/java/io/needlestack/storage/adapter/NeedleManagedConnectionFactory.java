package io.needlestack.storage.adapter;

import io.needlestack.storage.engine.NeedleEngine;
import io.needlestack.storage.store.NeedleConnection;
import io.needlestack.storage.store.NeedleConnectionFactory;
import io.needlestack.storage.store.StoreUnavailableException;
import jakarta.resource.ResourceException;
import jakarta.resource.spi.ConnectionDefinition;
import jakarta.resource.spi.ConnectionManager;
import jakarta.resource.spi.ConnectionRequestInfo;
import jakarta.resource.spi.ManagedConnection;
import jakarta.resource.spi.ManagedConnectionFactory;
import jakarta.resource.spi.ResourceAdapter;
import jakarta.resource.spi.ResourceAdapterAssociation;
import java.io.PrintWriter;
import java.io.Serializable;
import java.util.Set;
import javax.security.auth.Subject;

/**
 * Makes the connection factory and the pooled managed connections of the needle store. Every
 * managed connection is equivalent (one shared engine, no credentials), so any pooled one matches.
 */
@ConnectionDefinition(
        connectionFactory = NeedleConnectionFactory.class,
        connectionFactoryImpl = NeedleConnectionFactoryImpl.class,
        connection = NeedleConnection.class,
        connectionImpl = NeedleConnectionHandle.class)
public class NeedleManagedConnectionFactory implements ManagedConnectionFactory, ResourceAdapterAssociation, Serializable {
    private static final long serialVersionUID = 1L;

    private NeedleResourceAdapter resourceAdapter;
    private transient PrintWriter logWriter;

    /** A factory for a pool managed by the application server. */
    @Override
    public Object createConnectionFactory(ConnectionManager connectionManager) {
        return new NeedleConnectionFactoryImpl(this, connectionManager);
    }

    /** A factory outside an application server (each handle gets its own managed connection). */
    @Override
    public Object createConnectionFactory() {
        return new NeedleConnectionFactoryImpl(this, new DirectConnectionManager());
    }

    @Override
    public ManagedConnection createManagedConnection(Subject subject, ConnectionRequestInfo info) throws ResourceException {
        engine(); // fail here, not on first use, when the adapter is not started
        return new NeedleManagedConnection(this);
    }

    @Override
    @SuppressWarnings("rawtypes")
    public ManagedConnection matchManagedConnections(Set connections, Subject subject, ConnectionRequestInfo info) {
        for (Object o : connections) {
            if (o instanceof NeedleManagedConnection mc && mc.factory() == this && !mc.isDestroyed()) {
                return mc;
            }
        }
        return null;
    }

    @Override
    public void setLogWriter(PrintWriter out) {
        this.logWriter = out;
    }

    @Override
    public PrintWriter getLogWriter() {
        return logWriter;
    }

    @Override
    public ResourceAdapter getResourceAdapter() {
        return resourceAdapter;
    }

    @Override
    public void setResourceAdapter(ResourceAdapter adapter) throws ResourceException {
        if (!(adapter instanceof NeedleResourceAdapter n)) {
            throw new ResourceException("not a needle store resource adapter: " + adapter);
        }
        this.resourceAdapter = n;
    }

    NeedleEngine engine() {
        NeedleResourceAdapter ra = resourceAdapter;
        if (ra == null) {
            throw new StoreUnavailableException("the connection factory is not associated with the needle store adapter");
        }
        return ra.engine();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NeedleManagedConnectionFactory f && f.resourceAdapter == resourceAdapter;
    }

    @Override
    public int hashCode() {
        return System.identityHashCode(resourceAdapter);
    }
}
