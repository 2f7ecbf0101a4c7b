package io.needlestack.storage.adapter;

import io.needlestack.storage.engine.NeedleEngine;
import jakarta.resource.NotSupportedException;
import jakarta.resource.ResourceException;
import jakarta.resource.spi.ConnectionEvent;
import jakarta.resource.spi.ConnectionEventListener;
import jakarta.resource.spi.ConnectionRequestInfo;
import jakarta.resource.spi.LocalTransaction;
import jakarta.resource.spi.ManagedConnection;
import jakarta.resource.spi.ManagedConnectionMetaData;
import java.io.PrintWriter;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.security.auth.Subject;
import javax.transaction.xa.XAResource;

/**
 * A pooled "physical" connection: nothing physical, since every handle uses the one shared engine;
 * it tracks its handles and tells the pool when one is closed.
 */
final class NeedleManagedConnection implements ManagedConnection {
    private final NeedleManagedConnectionFactory factory;
    private final List<ConnectionEventListener> listeners = new CopyOnWriteArrayList<>();
    private final Set<NeedleConnectionHandle> handles = ConcurrentHashMap.newKeySet();
    private volatile PrintWriter logWriter;
    private volatile boolean destroyed;

    NeedleManagedConnection(NeedleManagedConnectionFactory factory) {
        this.factory = factory;
    }

    NeedleManagedConnectionFactory factory() {
        return factory;
    }

    boolean isDestroyed() {
        return destroyed;
    }

    NeedleEngine engine() {
        return factory.engine();
    }

    @Override
    public Object getConnection(Subject subject, ConnectionRequestInfo info) throws ResourceException {
        if (destroyed) {
            throw new ResourceException("managed connection destroyed");
        }
        NeedleConnectionHandle h = new NeedleConnectionHandle(this);
        handles.add(h);
        return h;
    }

    @Override
    public void associateConnection(Object connection) throws ResourceException {
        if (!(connection instanceof NeedleConnectionHandle h)) {
            throw new ResourceException("not a needle connection handle: " + connection);
        }
        NeedleManagedConnection previous = h.reassociate(this);
        if (previous != null) {
            previous.handles.remove(h);
        }
        handles.add(h);
    }

    /** The pool takes this connection back: handles still open are invalidated (no events). */
    @Override
    public void cleanup() {
        for (NeedleConnectionHandle h : handles) {
            h.invalidate();
        }
        handles.clear();
    }

    @Override
    public void destroy() {
        cleanup();
        destroyed = true;
        listeners.clear();
    }

    /** Called by a handle's close: the pool learns the managed connection is free again. */
    void handleClosed(NeedleConnectionHandle handle) {
        handles.remove(handle);
        ConnectionEvent event = new ConnectionEvent(this, ConnectionEvent.CONNECTION_CLOSED);
        event.setConnectionHandle(handle);
        for (ConnectionEventListener l : listeners) {
            l.connectionClosed(event);
        }
    }

    @Override
    public void addConnectionEventListener(ConnectionEventListener listener) {
        listeners.add(listener);
    }

    @Override
    public void removeConnectionEventListener(ConnectionEventListener listener) {
        listeners.remove(listener);
    }

    @Override
    public XAResource getXAResource() throws ResourceException {
        throw new NotSupportedException("the needle store is not transactional");
    }

    @Override
    public LocalTransaction getLocalTransaction() throws ResourceException {
        throw new NotSupportedException("the needle store is not transactional");
    }

    @Override
    public ManagedConnectionMetaData getMetaData() {
        return new ManagedConnectionMetaData() {
            @Override
            public String getEISProductName() {
                return "Needlestack needle store";
            }

            @Override
            public String getEISProductVersion() {
                return "0.1.0";
            }

            @Override
            public int getMaxConnections() {
                return 0; // no limit of its own
            }

            @Override
            public String getUserName() {
                return "";
            }
        };
    }

    @Override
    public void setLogWriter(PrintWriter out) {
        this.logWriter = out;
    }

    @Override
    public PrintWriter getLogWriter() {
        return logWriter;
    }
}
