package io.needlestack.it;

/** A test node did not come up; the message carries the launcher's output and the log's tail. */
public class NodeStartException extends RuntimeException {
    /** A failure to start node {@code name}. */
    public NodeStartException(String name, String reason, String output) {
        super("node " + name + ": " + reason + "\n" + output);
    }
}
