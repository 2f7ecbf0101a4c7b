package io.needlestack.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A throw-away WildFly standalone server for tests: its own copy of {@code standalone/} on free
 * ports, deployments through the file-system scanner and its marker files
 * ({@code .dodeploy}, {@code .deployed}, {@code .failed}, {@code .undeployed}), stopped with its
 * whole process tree. A JVM shutdown hook stops it if a test does not.
 */
public final class WildFlyServer implements AutoCloseable {

    private final Path home;
    private final Path base;
    private final int httpPort;
    private final Thread reaper;
    private Process process;

    private WildFlyServer(Path home, Path base, int httpPort) {
        this.home = home;
        this.base = base;
        this.httpPort = httpPort;
        this.reaper = new Thread(this::stopQuietly, "wildfly-reaper");
        Runtime.getRuntime().addShutdownHook(reaper);
    }

    /** WildFly's installation directory (the unpacked distribution). */
    public static Path home() {
        return Path.of(System.getProperty("needlestack.it.wildfly.home", "server-config/target/wildfly/wildfly"))
                .toAbsolutePath();
    }

    /**
     * A server whose configuration and data live under {@code base} (a fresh copy of the
     * distribution's {@code standalone/}), its HTTP port chosen. Nothing runs yet.
     */
    public static WildFlyServer create(Path base) {
        try {
            NodeProcess.deleteTree(base);
            copyTree(home().resolve("standalone"), base);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new WildFlyServer(home(), base, NodeProcess.freePort());
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    /** The HTTP port (Undertow's default listener). */
    public int httpPort() {
        return httpPort;
    }

    /** The HTTP base URI. */
    public URI http() {
        return URI.create("http://127.0.0.1:" + httpPort);
    }

    /** The server's log. */
    public Path serverLog() {
        return base.resolve("log").resolve("server.log");
    }

    /**
     * Starts the server with {@code systemProperties} ({@code -Dname=value} strings) on its
     * command line and waits (bounded) until its log says it has booted.
     */
    public void start(Duration timeout, List<String> systemProperties) throws IOException, InterruptedException {
        // Every port a default standalone.xml binds, free ones; the management port doubles as the
        // check that nothing else answers there.
        List<String> cmd = new ArrayList<>(List.of("sh", home.resolve("bin/standalone.sh").toString(),
                "-Djboss.server.base.dir=" + base,
                "-Djboss.bind.address=127.0.0.1", "-Djboss.bind.address.management=127.0.0.1",
                "-Djboss.http.port=" + httpPort,
                "-Djboss.https.port=" + NodeProcess.freePort(),
                "-Djboss.management.http.port=" + NodeProcess.freePort(),
                "-Djboss.management.https.port=" + NodeProcess.freePort()));
        cmd.addAll(systemProperties);
        Path console = base.resolve("console.log");
        process = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(console.toFile()).start();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("WildFly exited " + process.exitValue() + ":\n" + tail(console, 60));
            }
            if (Files.exists(serverLog()) && Files.readString(serverLog(), StandardCharsets.UTF_8).contains("WFLYSRV0025")) {
                return; // "WildFly ... started in ..." (WFLYSRV0026 would be "started (with errors)")
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException("WildFly did not start within " + timeout + ":\n" + tail(console, 60));
    }

    /**
     * Deploys {@code archive} through the deployment scanner and waits (bounded) for the outcome;
     * a failed deployment throws with the log's tail.
     */
    public void deploy(Path archive, Duration timeout) throws IOException, InterruptedException {
        Path deployments = base.resolve("deployments");
        String name = archive.getFileName().toString();
        Files.deleteIfExists(deployments.resolve(name + ".failed"));
        Files.deleteIfExists(deployments.resolve(name + ".undeployed"));
        Files.copy(archive, deployments.resolve(name), StandardCopyOption.REPLACE_EXISTING);
        Files.writeString(deployments.resolve(name + ".dodeploy"), name);
        awaitMarker(deployments, name, ".deployed", timeout);
    }

    /** Undeploys {@code name} (removing its {@code .deployed} marker) and waits for it to be gone. */
    public void undeploy(String name, Duration timeout) throws IOException, InterruptedException {
        Path deployments = base.resolve("deployments");
        Files.deleteIfExists(deployments.resolve(name + ".deployed"));
        awaitMarker(deployments, name, ".undeployed", timeout);
    }

    private void awaitMarker(Path deployments, String name, String marker, Duration timeout)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (Files.exists(deployments.resolve(name + marker))) {
                return;
            }
            Path failed = deployments.resolve(name + ".failed");
            if (Files.exists(failed)) {
                throw new IllegalStateException("deployment of " + name + " failed: "
                        + Files.readString(failed, StandardCharsets.UTF_8) + "\n" + tail(serverLog(), 80));
            }
            if (process == null || !process.isAlive()) {
                throw new IllegalStateException("WildFly is not running:\n" + tail(serverLog(), 60));
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException("no " + marker + " for " + name + " within " + timeout + ":\n"
                + tail(serverLog(), 80));
    }

    /** The last lines of a file, for failure messages. */
    public static String tail(Path file, int lines) {
        return PayaraServerDomain.tail(file, lines);
    }

    private void stopQuietly() {
        Process p = process;
        if (p == null) {
            return;
        }
        // standalone.sh runs the JVM as its child: stop the whole tree, gracefully first.
        List<ProcessHandle> tree = new ArrayList<>(p.descendants().toList());
        tree.add(p.toHandle());
        tree.forEach(ProcessHandle::destroy);
        for (ProcessHandle h : tree) {
            try {
                h.onExit().get(60, TimeUnit.SECONDS);
            } catch (Exception e) {
                h.destroyForcibly();
            }
        }
        process = null;
    }

    @Override
    public void close() {
        stopQuietly();
        try {
            Runtime.getRuntime().removeShutdownHook(reaper);
        } catch (IllegalStateException shuttingDown) {
            // the hook runs anyway
        }
    }
}
