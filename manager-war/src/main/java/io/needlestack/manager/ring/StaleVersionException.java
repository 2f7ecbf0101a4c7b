package io.needlestack.manager.ring;

/**
 * A compare-and-set on the ring or the cluster settings found a version other than the one the
 * change was based on: another manager (or a request racing this one) changed it first. The
 * change is not applied; the caller reloads and decides again.
 */
public class StaleVersionException extends ClusterException {

    private static final long serialVersionUID = 1L;

    StaleVersionException(String what, long expected) {
        super("ConcurrentModification", 409, what + " changed since version " + expected
                + " was read (another manager or request changed it first); retry");
    }
}
