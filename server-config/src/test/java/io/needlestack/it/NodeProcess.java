package io.needlestack.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * One Needlestack node running in its own JVM (Payara Micro), started through
 * {@code server-config/bin/needlestack start} exactly as an operator would, for end-to-end tests.
 *
 * <pre>{@code
 * try (NodeProcess node = NodeProcess.builder("n1").start()) {
 *     URI s3 = node.endpoint();            // http://127.0.0.1:<free port>
 *     String ak = node.accessKey(), sk = node.secretKey();
 *     node.kill();                          // kill -9, for crash tests
 *     node.restart();                       // same ports, same data directory
 * }                                         // close(): graceful stop (SIGTERM, then SIGKILL)
 * }</pre>
 *
 * <p>Every wait is bounded. Nodes still running when the test JVM exits are killed by a shutdown
 * hook, so a failed or interrupted test leaves no process behind. Settings come from system
 * properties that the server-config failsafe configuration sets ({@code needlestack.it.*}), with
 * defaults that work from the repository root after {@code mvn package}.
 */
public final class NodeProcess implements AutoCloseable {

    private static final Set<NodeProcess> RUNNING = ConcurrentHashMap.newKeySet();
    private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> RUNNING.forEach(NodeProcess::killQuietly),
                "needlestack-node-reaper"));
    }

    private final Builder settings;
    private volatile long pid = -1;

    private NodeProcess(Builder settings) {
        this.settings = settings;
    }

    /** Settings for a node called {@code name}; every one has a working default. */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    // ---- configuration of the test environment ------------------------------------------------

    /** The launcher script. */
    public static Path script() {
        return Path.of(System.getProperty("needlestack.it.script", "server-config/bin/needlestack")).toAbsolutePath();
    }

    /** The directory holding payara-micro.jar and the deployables. */
    public static Path dist() {
        return Path.of(System.getProperty("needlestack.it.dist", "server-config/target/dist")).toAbsolutePath();
    }

    /**
     * Deletes {@code dir} and everything below it, if it exists; a file that cannot be deleted is
     * left (its directory then stays too), as a test's leftovers may be.
     */
    public static void deleteTree(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (var paths = Files.walk(dir)) {
                paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** Where test nodes keep their data directories unless told otherwise. */
    public static Path workDirectory() {
        return Path.of(System.getProperty("needlestack.it.work", "server-config/target/it-nodes")).toAbsolutePath();
    }

    /**
     * Whether the needle-rar in the distribution carries the resource adapter implementation
     * (package {@code io.needlestack.storage.adapter}). Without it no node can deploy its gateway,
     * so end-to-end tests assume it.
     */
    public static boolean adapterPresent() {
        Path rar = dist().resolve("needle-rar.rar");
        if (!Files.isRegularFile(rar)) {
            return false;
        }
        try (ZipInputStream outer = new ZipInputStream(Files.newInputStream(rar))) {
            for (ZipEntry e; (e = outer.getNextEntry()) != null; ) {
                if (e.getName().startsWith("io/needlestack/storage/adapter/")) {
                    return true;
                }
                if (e.getName().endsWith(".jar") && e.getName().contains("needle-rar") && jarHasAdapter(outer)) {
                    return true;
                }
            }
            return false;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean jarHasAdapter(InputStream jar) throws IOException {
        ZipInputStream inner = new ZipInputStream(jar);
        for (ZipEntry e; (e = inner.getNextEntry()) != null; ) {
            if (e.getName().startsWith("io/needlestack/storage/adapter/") && e.getName().endsWith(".class")) {
                return true;
            }
        }
        return false;
    }

    /**
     * A free loopback TCP port whose companions {@code port + 1000} (the node's Hazelcast port by
     * default) and {@code port + 2000} (its internal port) are free too; never the same port twice
     * in one test JVM. It lies below the kernel's ephemeral range ({@link #portBelowEphemeral}).
     */
    public static synchronized int freePort() {
        for (int attempt = 0; attempt < 500; attempt++) {
            int port = portBelowEphemeral(2000);
            if (HANDED_OUT.contains(port) || HANDED_OUT.contains(port + 1000) || HANDED_OUT.contains(port + 2000)
                    || !bindable(port) || !bindable(port + 1000) || !bindable(port + 2000)) {
                continue;
            }
            HANDED_OUT.add(port);
            HANDED_OUT.add(port + 1000);
            HANDED_OUT.add(port + 2000);
            return port;
        }
        throw new IllegalStateException("no free port triple found");
    }

    /**
     * A random port {@code p} such that {@code p .. p + span} all lie between 10000 and the start of
     * the kernel's ephemeral port range ({@code /proc/sys/net/ipv4/ip_local_port_range}; 32768 where
     * it cannot be read). A port handed out by the kernel (port 0) or inside that range can be taken
     * by any outgoing connection's local end while a test has the node that owns it stopped (every
     * refused reconnect to the stopped node takes one), and the node then cannot bind it again.
     *
     * <p>When failsafe runs the tests in several JVMs at once ({@code needlestack.it.forks}), each
     * JVM draws from its own slice of that range ({@code needlestack.it.fork}, 1-based): a port one
     * JVM picked is not bound until its node has booted (15 s or more), and "bindable" alone would
     * let the other JVM pick it in that window, or while a test has the node stopped.
     */
    public static int portBelowEphemeral(int span) {
        int slice = (EPHEMERAL_LOW - 10000) / FORKS;
        int low = 10000 + (FORK - 1) * slice;
        int top = low + slice - span;
        if (top <= low) {
            throw new IllegalStateException("the ephemeral port range starts at " + EPHEMERAL_LOW
                    + ": no room below it for " + FORKS + " test JVMs");
        }
        return ThreadLocalRandom.current().nextInt(low, top);
    }

    /** How many test JVMs run at once, and which of them this is (1-based); see {@link #portBelowEphemeral}. */
    private static final int FORKS = Math.max(1, Integer.getInteger("needlestack.it.forks", 1));
    private static final int FORK = Math.min(FORKS, Math.max(1, Integer.getInteger("needlestack.it.fork", 1)));

    /** The first port of the kernel's ephemeral range, read once. */
    private static final int EPHEMERAL_LOW = ephemeralLow();

    private static int ephemeralLow() {
        try {
            // readAllLines: Files.readString returns only the first byte of a /proc file (size 0).
            String[] range = Files.readAllLines(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).get(0).trim()
                    .split("\\s+");
            return Integer.parseInt(range[0]);
        } catch (IOException | RuntimeException e) {
            return 32768; // not Linux, or unreadable: the usual default
        }
    }

    /** Whether nothing listens on the loopback {@code port} now. */
    static boolean bindable(int port) {
        try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    // ---- life cycle ----------------------------------------------------------------------------

    /**
     * Starts the node and returns once it answers HTTP (the script's readiness check).
     *
     * @throws NodeStartException with the script's output (which ends with the node log's tail)
     */
    public NodeProcess start() {
        if (isAlive()) {
            throw new IllegalStateException("node " + settings.name + " is already running");
        }
        try {
            Files.createDirectories(settings.dataDir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> cmd = new ArrayList<>(List.of("bash", script().toString(), "start",
                "--name", settings.name, "--port", Integer.toString(settings.port),
                "--data", settings.dataDir.toString(), "--roles", settings.roles, "--bind", settings.bind,
                "--xmx", settings.xmx, "--hz-port", Integer.toString(settings.hzPort),
                "--internal-port", Integer.toString(settings.internalPort),
                "--wait", Long.toString(settings.startTimeout.toSeconds())));
        settings.clusterName.ifPresent(c -> cmd.addAll(List.of("--cluster-name", c)));
        settings.members.ifPresent(m -> cmd.addAll(List.of("--cluster", m)));
        settings.nodeId.ifPresent(id -> cmd.addAll(List.of("--node-id", id)));
        settings.rack.ifPresent(r -> cmd.addAll(List.of("--rack", r)));
        Path out = settings.dataDir.resolve("start.out");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile());
        pb.environment().put("NEEDLESTACK_DIST", dist().toString());
        pb.environment().put("NEEDLESTACK_NO_BUILD", "1");
        pb.environment().put("NEEDLESTACK_JAVA_OPTS", settings.javaOpts);
        pb.environment().putAll(settings.env);
        RUNNING.add(this);
        try {
            Process p = pb.start();
            boolean done = p.waitFor(settings.startTimeout.toSeconds() + 30, TimeUnit.SECONDS);
            readPid();
            if (!done) {
                p.destroyForcibly();
                killQuietly();
                throw new NodeStartException(settings.name, "start script did not return in time", read(out));
            }
            if (p.exitValue() != 0) {
                killQuietly();
                throw new NodeStartException(settings.name, "start script exited " + p.exitValue(), read(out));
            }
            if (pid < 0) {
                throw new NodeStartException(settings.name, "no pid file", read(out));
            }
            return this;
        } catch (IOException e) {
            killQuietly();
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            killQuietly();
            throw new IllegalStateException("interrupted while starting " + settings.name, e);
        }
    }

    /** Stops gracefully (SIGTERM; SIGKILL after the script's bound) and waits for the exit. */
    public void stop() {
        if (pid < 0) {
            return;
        }
        try {
            Process p = new ProcessBuilder("bash", script().toString(), "stop", "--data", settings.dataDir.toString(),
                    "--timeout", "60").redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(90, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        killQuietly();
    }

    /** {@code kill -9}: the node gets no chance to flush or close anything (crash tests). */
    public void kill() {
        killQuietly();
    }

    /** Stops (gracefully) and starts again with the same name, ports and data directory. */
    public NodeProcess restart() {
        stop();
        return start();
    }

    /** Same as {@link #stop()}. */
    @Override
    public void close() {
        stop();
    }

    /** Whether the node's JVM is running. */
    public boolean isAlive() {
        return pid > 0 && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    private void killQuietly() {
        if (pid > 0) {
            ProcessHandle.of(pid).ifPresent(h -> {
                h.destroyForcibly();
                h.onExit().orTimeout(30, TimeUnit.SECONDS).exceptionally(t -> null).join();
            });
        }
        pid = -1;
        RUNNING.remove(this);
        try {
            Files.deleteIfExists(settings.dataDir.resolve("node.pid"));
        } catch (IOException ignored) {
            // the file only guards against a second start; a stale one is harmless to tests
        }
    }

    private void readPid() throws IOException {
        Path f = settings.dataDir.resolve("node.pid");
        pid = Files.isRegularFile(f) ? Long.parseLong(Files.readString(f).trim()) : -1;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(" + file + " unreadable: " + e + ")";
        }
    }

    // ---- what tests use ------------------------------------------------------------------------

    /** The S3 endpoint, e.g. {@code http://127.0.0.1:41234}. */
    public URI endpoint() {
        String host = "0.0.0.0".equals(settings.bind) ? "127.0.0.1" : settings.bind;
        return URI.create("http://" + host + ":" + settings.port);
    }

    /** The node's name. */
    public String name() {
        return settings.name;
    }

    /** The HTTP (S3) port. */
    public int port() {
        return settings.port;
    }

    /** The internal (node-to-node, {@code /_internal}) port. */
    public int internalPort() {
        return settings.internalPort;
    }

    /** The internal endpoint, e.g. {@code http://127.0.0.1:41334} (paths start with {@code /_internal}). */
    public URI internalEndpoint() {
        String host = "0.0.0.0".equals(settings.bind) ? "127.0.0.1" : settings.bind;
        return URI.create("http://" + host + ":" + settings.internalPort);
    }

    /** The Hazelcast port of this node (for {@code --cluster} / {@link Builder#members} of the others). */
    public int hazelcastPort() {
        return settings.hzPort;
    }

    /** The data directory. */
    public Path dataDir() {
        return settings.dataDir;
    }

    /** The node's log (Payara Micro's output). */
    public Path log() {
        return settings.dataDir.resolve("node.log");
    }

    /** The pid of the node's JVM, or -1 when it is not running. */
    public long pid() {
        return pid;
    }

    /** The root access key (from {@code DIR/root.credentials}). */
    public String accessKey() {
        return credentials().getProperty("access_key");
    }

    /** The root secret key (from {@code DIR/root.credentials}). */
    public String secretKey() {
        return credentials().getProperty("secret_key");
    }

    /**
     * An S3 client of the root user on this node: path style, no retries (a test sees every
     * failure), 60 s per call.
     */
    public software.amazon.awssdk.services.s3.S3Client s3Client() {
        return software.amazon.awssdk.services.s3.S3Client.builder().endpointOverride(endpoint())
                .region(software.amazon.awssdk.regions.Region.US_EAST_1).forcePathStyle(true)
                .credentialsProvider(software.amazon.awssdk.auth.credentials.StaticCredentialsProvider.create(
                        software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create(accessKey(), secretKey())))
                .overrideConfiguration(software.amazon.awssdk.core.client.config.ClientOverrideConfiguration.builder()
                        .retryPolicy(software.amazon.awssdk.core.retry.RetryPolicy.none())
                        .apiCallTimeout(Duration.ofSeconds(60)).build())
                .httpClientBuilder(software.amazon.awssdk.http.apache.ApacheHttpClient.builder()).build();
    }

    private Properties credentials() {
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(settings.dataDir.resolve("root.credentials"))) {
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p;
    }

    @Override
    public String toString() {
        return "NodeProcess[" + settings.name + " " + endpoint() + " pid " + pid + "]";
    }

    /** The settings of a node; {@link #start()} starts it. */
    public static final class Builder {
        private final String name;
        private int port = -1;
        private int hzPort = -1;
        private int internalPort = -1;
        private Path dataDir;
        private String roles = "gateway,storage,manager";
        private String bind = "127.0.0.1";
        private String xmx = System.getProperty("needlestack.it.xmx", "384m");
        // C1 only: measured 2 to 3 s faster start-up and about 50 MB less RSS per node; test nodes
        // start often and serve little, benchmarks should pass "" to get the C2 compiler back.
        private String javaOpts = System.getProperty("needlestack.it.java.opts", "-XX:TieredStopAtLevel=1");
        private Optional<String> clusterName = Optional.empty();
        private Optional<String> members = Optional.empty();
        private Optional<String> nodeId = Optional.empty();
        private Optional<String> rack = Optional.empty();
        private Duration startTimeout = Duration.ofSeconds(Long.getLong("needlestack.it.start.timeout", 180));
        private final Map<String, String> env = new LinkedHashMap<>();

        private Builder(String name) {
            this.name = name;
        }

        /** HTTP port (default: a free one). */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /** Hazelcast port (default: HTTP port + 1000). */
        public Builder hazelcastPort(int port) {
            this.hzPort = port;
            return this;
        }

        /** Internal (node-to-node) port (default: a free one). */
        public Builder internalPort(int port) {
            this.internalPort = port;
            return this;
        }

        /** Data directory (default: a fresh one under {@link #workDirectory()}). */
        public Builder dataDir(Path dir) {
            this.dataDir = dir.toAbsolutePath();
            return this;
        }

        /** Roles, comma separated (default all three). */
        public Builder roles(String roles) {
            this.roles = roles;
            return this;
        }

        /** Bind address (default 127.0.0.1). */
        public Builder bind(String address) {
            this.bind = address;
            return this;
        }

        /** Heap bound (default {@code needlestack.it.xmx}, 384m). */
        public Builder xmx(String xmx) {
            this.xmx = xmx;
            return this;
        }

        /** Extra JVM options of the node (default {@code needlestack.it.java.opts}, C1 only). */
        public Builder javaOpts(String options) {
            this.javaOpts = options;
            return this;
        }

        /**
         * Hazelcast cluster name shared by the nodes of one test cluster ({@code --cluster-name};
         * default: the node's own).
         */
        public Builder clusterName(String name) {
            this.clusterName = Optional.of(name);
            return this;
        }

        /**
         * Same as {@link #clusterName(String)}: the name this method had before the script's
         * {@code --cluster} came to mean the members.
         *
         * @deprecated use {@link #clusterName(String)}; the members are {@link #members(String)}
         */
        @Deprecated
        public Builder cluster(String name) {
            return clusterName(name);
        }

        /**
         * Hazelcast TCP-IP members, {@code host:port,...} (the script's {@code --cluster}; default:
         * this node only).
         */
        public Builder members(String members) {
            this.members = Optional.of(members);
            return this;
        }

        /** The node id given at the first start ({@code --node-id}; default: generated by the script). */
        public Builder nodeId(String id) {
            this.nodeId = Optional.of(id);
            return this;
        }

        /** The node's rack ({@code --rack}; default: none). */
        public Builder rack(String rack) {
            this.rack = Optional.of(rack);
            return this;
        }

        /** Bound on the start-up (default {@code needlestack.it.start.timeout}, 180 s). */
        public Builder startTimeout(Duration timeout) {
            this.startTimeout = timeout;
            return this;
        }

        /** An environment variable for the node, e.g. {@code NEEDLESTACK_ROOT_ACCESS_KEY}. */
        public Builder env(String name, String value) {
            env.put(name, value);
            return this;
        }

        /** The node, not started yet: settings resolved (free ports picked, directory named). */
        public NodeProcess build() {
            if (port < 0) {
                port = freePort();
            }
            if (hzPort < 0) {
                hzPort = port + 1000;
            }
            if (internalPort < 0) {
                internalPort = freePort();
            }
            if (dataDir == null) {
                dataDir = workDirectory().resolve(name + "-" + port);
            }
            return new NodeProcess(this);
        }

        /** Builds and starts the node; returns once it is ready. */
        public NodeProcess start() {
            return build().start();
        }
    }
}
