package io.needlestack.manager.internal;

import jakarta.enterprise.context.ApplicationScoped;

import io.needlestack.core.config.NodeConfig;
import io.needlestack.core.internal.ClusterSecret;
import io.needlestack.core.internal.InternalAuth;

/**
 * The node's one signer and verifier of internal requests: one replay memory for the whole
 * manager, and the cluster secret read once.
 */
@ApplicationScoped
public class NodeInternalAuth {

    private volatile InternalAuth auth;

    /** The node's {@link InternalAuth}, created from the cluster secret on first use. */
    public InternalAuth get() {
        InternalAuth a = auth;
        if (a == null) {
            synchronized (this) {
                if (auth == null) {
                    auth = ClusterSecret.auth(NodeConfig.current().dataDirectory());
                }
                a = auth;
            }
        }
        return a;
    }
}
