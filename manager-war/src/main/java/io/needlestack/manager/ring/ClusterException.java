package io.needlestack.manager.ring;

/**
 * A refused cluster operation, with a stable {@link #code()} for the admin API and the HTTP
 * status that goes with it (404 unknown node, 409 illegal state change, 400 invalid values).
 */
public class ClusterException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String code;
    private final int status;

    /** A refusal with its code, HTTP status and a message for the operator. */
    public ClusterException(String code, int status, String message) {
        super(message);
        this.code = code;
        this.status = status;
    }

    /** The stable error code, e.g. {@code NoSuchNode}, {@code NodeNotAttached}. */
    public String code() {
        return code;
    }

    /** The HTTP status of the refusal. */
    public int status() {
        return status;
    }

    static ClusterException noSuchNode(String id) {
        return new ClusterException("NoSuchNode", 404, "node " + id + " is not in the node registry");
    }

    static ClusterException conflict(String code, String message) {
        return new ClusterException(code, 409, message);
    }
}
