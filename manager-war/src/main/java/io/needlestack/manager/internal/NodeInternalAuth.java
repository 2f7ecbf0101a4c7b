package io.needlestack.manager.internal;

import jakarta.enterprise.context.ApplicationScoped;

import io.needlestack.core.config.NodeConfig;
import io.needlestack.core.internal.ClusterSecret;
import io.needlestack.core.internal.InternalAuth;

/** The node's one verifier of internal requests: one replay memory for the whole manager. */
@ApplicationScoped
class NodeInternalAuth {

    private volatile InternalAuth auth;

    InternalAuth get() {
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
