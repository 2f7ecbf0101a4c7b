package io.needlestack.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A throw-away Payara Server domain for tests: created with {@code asadmin create-domain
 * --portbase} on free ports in its own directory, started, used through asadmin, stopped and
 * deleted. A JVM shutdown hook stops it if a test does not.
 */
public final class PayaraServerDomain implements AutoCloseable {

    /** Offsets from the port base that asadmin create-domain assigns (admin, HTTP, HTTPS, IIOP, JMX, ...). */
    private static final int[] PORT_OFFSETS = {37, 38, 39, 48, 76, 80, 81, 86, 9};

    private final Path home;
    private final Path domainDir;
    private final String name;
    private final int portBase;
    private final Thread reaper;
    private boolean started;

    private PayaraServerDomain(Path home, Path domainDir, String name, int portBase) {
        this.home = home;
        this.domainDir = domainDir;
        this.name = name;
        this.portBase = portBase;
        this.reaper = new Thread(this::stopQuietly, "payara-domain-reaper-" + name);
        Runtime.getRuntime().addShutdownHook(reaper);
    }

    /** Payara Server's installation directory (the unpacked distribution's {@code payara6}). */
    public static Path home() {
        return Path.of(System.getProperty("needlestack.it.payara.home", "server-config/target/payara-server/payara6"))
                .toAbsolutePath();
    }

    /** Creates a domain with every port free; nothing runs yet. */
    public static PayaraServerDomain create(Path domainsDir, String name) {
        int base = freePortBase();
        try {
            NodeProcess.deleteTree(domainsDir.resolve(name));
            Files.createDirectories(domainsDir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        PayaraServerDomain d = new PayaraServerDomain(home(), domainsDir, name, base);
        d.asadminLocal(120, "create-domain", "--nopassword=true", "--portbase", Integer.toString(base),
                "--domaindir", domainsDir.toString(), "--checkports=true", name);
        return d;
    }

    private static int freePortBase() {
        for (int attempt = 0; attempt < 100; attempt++) {
            int base = NodeProcess.portBelowEphemeral(100) / 100 * 100;
            boolean free = true;
            for (int off : PORT_OFFSETS) {
                free &= bindable(base + off);
            }
            if (free) {
                return base;
            }
        }
        throw new IllegalStateException("no free port base");
    }

    private static boolean bindable(int port) {
        try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getByName("0.0.0.0"))) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** The admin port. */
    public int adminPort() {
        return portBase + 48;
    }

    /** The HTTP port of http-listener-1. */
    public int httpPort() {
        return portBase + 80;
    }

    /** The HTTP base URI. */
    public URI http() {
        return URI.create("http://127.0.0.1:" + httpPort());
    }

    /** The domain's server.log. */
    public Path serverLog() {
        return domainDir.resolve(name).resolve("logs").resolve("server.log");
    }

    /** The domain's lib/ directory (jars there are on the common class path after a start). */
    public Path libDirectory() {
        return domainDir.resolve(name).resolve("lib");
    }

    /** Starts the domain (bounded). */
    public void start() {
        started = true;
        asadminLocal(300, "start-domain", "--domaindir", domainDir.toString(), name);
    }

    /** Runs a remote asadmin command against the running domain; returns its output. */
    public String asadmin(long timeoutSeconds, String... args) {
        List<String> cmd = new ArrayList<>(List.of("--port", Integer.toString(adminPort()), "--interactive=false"));
        cmd.addAll(List.of(args));
        return run(timeoutSeconds, cmd);
    }

    private String asadminLocal(long timeoutSeconds, String... args) {
        return run(timeoutSeconds, List.of(args));
    }

    private String run(long timeoutSeconds, List<String> args) {
        List<String> cmd = new ArrayList<>(List.of("sh", home.resolve("bin/asadmin").toString()));
        cmd.addAll(args);
        try {
            Path out = Files.createTempFile("asadmin", ".out");
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
            boolean done = p.waitFor(timeoutSeconds, TimeUnit.SECONDS);
            if (!done) {
                p.destroyForcibly();
            }
            String output = Files.readString(out, StandardCharsets.UTF_8);
            Files.deleteIfExists(out);
            if (!done || p.exitValue() != 0) {
                throw new IllegalStateException("asadmin " + args + (done ? " exited " + p.exitValue() : " timed out")
                        + ":\n" + output + "\n--- server.log tail:\n" + tail(serverLog(), 60));
            }
            return output;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The last lines of a file, for failure messages. */
    public static String tail(Path file, int lines) {
        try {
            List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | RuntimeException e) {
            return "(" + file + " unreadable)";
        }
    }

    private void stopQuietly() {
        if (started) {
            started = false;
            try {
                asadminLocal(120, "stop-domain", "--domaindir", domainDir.toString(), "--kill=false", name);
            } catch (RuntimeException e) {
                try {
                    asadminLocal(60, "stop-domain", "--domaindir", domainDir.toString(), "--kill=true", name);
                } catch (RuntimeException ignored) {
                    // nothing more can be done from here
                }
            }
        }
    }

    /** Stops the domain (gracefully, then by force). */
    @Override
    public void close() {
        stopQuietly();
        try {
            Runtime.getRuntime().removeShutdownHook(reaper);
        } catch (IllegalStateException ignored) {
            // already shutting down
        }
    }
}
