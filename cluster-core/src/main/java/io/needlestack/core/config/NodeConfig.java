package io.needlestack.core.config;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The settings of one node, read once from system properties ({@code -Dneedlestack.x.y=...},
 * which the start scripts set) with the environment ({@code NEEDLESTACK_X_Y}) as fallback.
 *
 * <p>Every application of the node (gateway, manager, the resource adapter) reads the same
 * values, so they agree on the data directory and the ports without injecting each other.
 *
 * <table>
 *   <caption>Settings</caption>
 *   <tr><th>property</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>needlestack.data</td><td>./data</td><td>data directory of the node</td></tr>
 *   <tr><td>needlestack.roles</td><td>gateway,storage,manager</td><td>roles this node plays</td></tr>
 *   <tr><td>needlestack.http.port</td><td>8080</td><td>the S3 / admin HTTP port</td></tr>
 *   <tr><td>needlestack.bind</td><td>127.0.0.1</td><td>address the HTTP listener binds</td></tr>
 *   <tr><td>needlestack.region</td><td>us-east-1</td><td>the region the node reports</td></tr>
 * </table>
 */
public final class NodeConfig {

    /** The roles a node can play. */
    public enum Role { GATEWAY, STORAGE, MANAGER }

    private final Function<String, String> source;

    private NodeConfig(Function<String, String> source) {
        this.source = source;
    }

    /** The configuration of this JVM: system properties first, then the environment. */
    public static NodeConfig current() {
        return new NodeConfig(name -> {
            String v = System.getProperty(name);
            if (v == null || v.isBlank()) {
                v = System.getenv(name.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_'));
            }
            return v == null || v.isBlank() ? null : v.trim();
        });
    }

    /** A configuration over fixed values, for tests. */
    public static NodeConfig of(Map<String, String> values) {
        return new NodeConfig(values::get);
    }

    /** A raw setting, if given. */
    public Optional<String> get(String name) {
        return Optional.ofNullable(source.apply(name));
    }

    /** A setting, or the default when it is not given. */
    public String get(String name, String defaultValue) {
        return get(name).orElse(defaultValue);
    }

    /** An integer setting, or the default when it is not given. */
    public int getInt(String name, int defaultValue) {
        return get(name).map(Integer::parseInt).orElse(defaultValue);
    }

    /** A long setting, or the default when it is not given. */
    public long getLong(String name, long defaultValue) {
        return get(name).map(Long::parseLong).orElse(defaultValue);
    }

    /** The node's data directory (absolute). */
    public Path dataDirectory() {
        return Path.of(get("needlestack.data", "data")).toAbsolutePath().normalize();
    }

    /** The roles this node plays. */
    public Set<Role> roles() {
        return Arrays.stream(get("needlestack.roles", "gateway,storage,manager").split(","))
                .map(String::trim).filter(s -> !s.isEmpty())
                .map(s -> Role.valueOf(s.toUpperCase(Locale.ROOT)))
                .collect(Collectors.toUnmodifiableSet());
    }

    /** The node's stable id ({@code needlestack.node.id}, else its name, else the host name). */
    public String nodeId() {
        return get("needlestack.node.id").or(() -> get("needlestack.node.name")).orElseGet(() -> {
            try {
                return java.net.InetAddress.getLocalHost().getHostName();
            } catch (java.io.IOException e) {
                return "node";
            }
        });
    }

    /** The node's name for operators ({@code needlestack.node.name}, else its id). */
    public String nodeName() {
        return get("needlestack.node.name").orElseGet(this::nodeId);
    }

    /** The node's rack ({@code needlestack.rack}), "" when racks are not used. */
    public String rack() {
        return get("needlestack.rack", "");
    }

    /** The HTTP port clients and the admin CLI use. */
    public int httpPort() {
        return getInt("needlestack.http.port", 8080);
    }

    /** The address the HTTP listener binds. */
    public String bindAddress() {
        return get("needlestack.bind", "127.0.0.1");
    }

    /** The region this node reports (GetBucketLocation, SigV4 scope). */
    public String region() {
        return get("needlestack.region", "us-east-1");
    }
}
