package io.needlestack.gateway.object.cache;

import io.needlestack.gateway.object.NeedleStorage;
import io.needlestack.storage.store.NeedleRecord;
import jakarta.annotation.Priority;
import jakarta.decorator.Decorator;
import jakarta.decorator.Delegate;
import jakarta.enterprise.inject.Any;
import jakarta.inject.Inject;
import jakarta.interceptor.Interceptor;
import java.io.InputStream;

/**
 * Puts the {@link ObjectCache} in the object layer's read path: decorates the needle storage the
 * object layer injects (the routed one; this node's own {@code LocalNeedleStorage} is not a
 * {@code NeedleStorage} bean and stays undecorated, so replicas never serve from a cache). Only
 * the body read is decorated: HEAD, writes and listings go straight through, so every GET still
 * resolves the newest version the way it would without a cache.
 */
@Decorator
@Priority(Interceptor.Priority.APPLICATION)
public abstract class CachingNeedleStorage implements NeedleStorage {

    @Inject
    @Delegate
    @Any
    NeedleStorage delegate;

    @Inject
    GatewayCache cache;

    @Override
    public InputStream open(NeedleRecord record, long from, long length) {
        return cache.cache().open(record, from, length, delegate::open, delegate.holdsLocally(record.key()));
    }
}
