package io.needlestack.manager.api;

import io.needlestack.core.node.NodeRecord;
import io.needlestack.manager.recovery.NodePlane;
import io.needlestack.manager.ring.ClusterException;
import io.needlestack.manager.ring.ClusterManager;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * What the admin requests that a node carries out itself (recover-node, compaction, scrub, log levels,
 * cache purges) share: the node the operator named, or every node, whether it can be asked, and
 * passing its answer on.
 */
final class NodeRelay {

    private NodeRelay() {
    }

    /**
     * The node {@code id} names: a node id, else a node name.
     *
     * @throws ClusterException 404 {@code NoSuchNode}
     */
    static ClusterManager.NodeView known(ClusterManager manager, String id) {
        Map<String, ClusterManager.NodeView> nodes = manager.view().nodes();
        ClusterManager.NodeView v = nodes.get(id);
        if (v == null) {
            // Operators often know a node by its name (n1, n2 of `cluster up`), not its generated id.
            v = nodes.values().stream().filter(n -> n.record() != null && n.record().name().equals(id)).findFirst()
                    .orElse(null);
        }
        if (v == null) {
            throw new ClusterException("NoSuchNode", 404, "node " + id + " is not known to the manager");
        }
        return v;
    }

    /** Whether the node is alive and has an internal plane to ask. */
    static boolean running(ClusterManager.NodeView v) {
        NodeRecord r = v.record();
        return r != null && r.liveness(Instant.now()) == NodeRecord.Liveness.RUNNING && !r.internalEndpoint().isBlank();
    }

    /**
     * The record of a node that is {@link #running}.
     *
     * @param done what is done to it, for the refusal ("recovered", "compacted")
     * @throws ClusterException 409 {@code NodeNotRunning}
     */
    static NodeRecord requireRunning(ClusterManager.NodeView v, String id, String done) {
        if (!running(v)) {
            throw new ClusterException("NodeNotRunning", 409, "node " + id + " is " + v.state().label()
                    + ": only a running node can be " + done + " (start it first)");
        }
        return v.record();
    }

    /**
     * The record of a node with the storage role (the one that has needle containers to compact
     * or scrub).
     *
     * @throws ClusterException 409 {@code NotAStorageNode}
     */
    static NodeRecord requireStorage(NodeRecord r, String id) {
        if (!r.roles().contains("storage")) {
            throw new ClusterException("NotAStorageNode", 409, "node " + id + " does not have the storage role (roles "
                    + r.roles() + "): it has no needle containers");
        }
        return r;
    }

    /**
     * The nodes a request to every node goes to, and those it cannot go to.
     *
     * @param endpoints  the {@link #running} ones: node id to internal endpoint, in id order
     * @param names      every listed node's name (its id when its record has none), by id
     * @param notRunning the ids of the others (stopped, down, or without an internal plane)
     */
    record Targets(Map<String, String> endpoints, Map<String, String> names, List<String> notRunning) {
    }

    /** The registered nodes that {@code which} accepts, split into running ones and the others. */
    static Targets targets(ClusterManager manager, Predicate<NodeRecord> which) {
        Map<String, String> endpoints = new LinkedHashMap<>();
        Map<String, String> names = new LinkedHashMap<>();
        List<String> notRunning = new ArrayList<>();
        for (ClusterManager.NodeView v : manager.view().nodes().values()) {
            NodeRecord r = v.record();
            if (r == null || !which.test(r)) {
                continue;
            }
            names.put(v.id(), r.name() == null || r.name().isBlank() ? v.id() : r.name());
            if (running(v)) {
                endpoints.put(v.id(), r.internalEndpoint());
            } else {
                notRunning.add(v.id());
            }
        }
        return new Targets(endpoints, names, List.copyOf(notRunning));
    }

    /**
     * The node's answer as the admin API's: its status and JSON. An error without a JSON code
     * (not from our resources: a proxy, an older node without the path) is 502 {@code NodeError}.
     */
    static Response relay(NodePlane.Answer a) {
        if (a.status() >= 400 && !a.body().contains("\"code\"")) {
            throw new ClusterException("NodeError", 502, "the node answered " + a.status());
        }
        return Response.status(a.status()).type(MediaType.APPLICATION_JSON_TYPE).entity(a.body()).build();
    }
}
