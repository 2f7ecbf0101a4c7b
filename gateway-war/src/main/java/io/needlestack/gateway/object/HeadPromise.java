package io.needlestack.gateway.object;

import java.util.Objects;

/**
 * Who asks a replica to promise a call-back: a gateway that wants to keep a key's newest version
 * (the answer of a HEAD) and serve it without asking again. A replica that grants the promise
 * tells {@code endpoint} before it completes any later write of the key, or, if it cannot reach
 * it, waits until the promise has run out (see {@code CacheCoherence}).
 *
 * @param holderId the gateway's node id
 * @param endpoint the gateway's internal endpoint, e.g. {@code http://10.0.0.5:8180}
 */
public record HeadPromise(String holderId, String endpoint) {

    /** Validates. */
    public HeadPromise {
        Objects.requireNonNull(holderId, "holderId");
        Objects.requireNonNull(endpoint, "endpoint");
    }
}
