package io.needlestack.manager.it;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real Payara Micro in its own process with WARs deployed in order, bound to 127.0.0.1, clustered
 * with nobody but itself (TCP-IP discovery on a free port), killed by {@link #close}.
 */
final class PayaraMicroProcess implements AutoCloseable {

    final int httpPort;
    final int hazelcastPort;
    final String clusterName;
    final Path dataDir;
    final Path log;
    final long startMillis;
    private final Process process;
    private final Thread reaper;

    private PayaraMicroProcess(int httpPort, int hazelcastPort, Path dataDir, Path log, Process process,
                               long startMillis) {
        this.httpPort = httpPort;
        this.hazelcastPort = hazelcastPort;
        this.clusterName = "needlestack-it-" + httpPort;
        this.dataDir = dataDir;
        this.log = log;
        this.process = process;
        this.startMillis = startMillis;
        // Should the test JVM itself be killed (failsafe's time limit), the server dies with it.
        this.reaper = new Thread(process::destroyForcibly, "payara-micro-reaper-" + httpPort);
        Runtime.getRuntime().addShutdownHook(reaper);
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        }
    }

    /** Starts Payara Micro and waits (at most {@code limit}) until {@code readyPath} answers. */
    static PayaraMicroProcess start(Path work, Path dataDir, List<Path> wars, String readyPath, Duration limit)
            throws Exception {
        Path jar = Path.of(System.getProperty("it.micro.jar", "target/it/payara-micro.jar"));
        int http = freePort();
        int hz = freePort();
        Path root = Files.createDirectories(work.resolve("micro-root-" + http));
        Path tmp = Files.createDirectories(work.resolve("tmp"));
        Path preboot = work.resolve("preboot.asadmin");
        Files.writeString(preboot, "set configs.config.server-config.network-config.network-listeners"
                + ".network-listener.http-listener.address=127.0.0.1\n");
        Path log = work.resolve("payara-micro-" + http + ".log");
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + System.getProperty("it.micro.xmx", "384m"),
                "-Djava.io.tmpdir=" + tmp,
                "-Dhazelcast.socket.bind.any=false",
                "-Dneedlestack.data=" + dataDir,
                "-Dneedlestack.http.port=" + http,
                "-Dneedlestack.roles=manager",
                "-jar", jar.toString(),
                "--port", Integer.toString(http),
                "--rootdir", root.toString(),
                "--clustermode", "tcpip:127.0.0.1:" + hz,
                "--startport", Integer.toString(hz),
                "--clustername", "needlestack-it-" + http, // must match clusterName
                "--interfaces", "127.0.0.1",
                "--prebootcommandfile", preboot.toString(),
                "--disablephonehome"));
        for (Path war : wars) {
            cmd.add("--deploy");
            cmd.add(war.toString());
        }
        long t0 = System.currentTimeMillis();
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        PayaraMicroProcess micro = new PayaraMicroProcess(http, hz, dataDir, log, p, t0);
        try {
            micro.awaitReady(readyPath, limit);
        } catch (Exception | Error e) {
            System.out.println(micro.logTail(80));
            micro.close();
            throw e;
        }
        return micro;
    }

    private void awaitReady(String path, Duration limit) throws Exception {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Payara Micro exited with " + process.exitValue());
            }
            try {
                HttpResponse<String> r = client.send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(5)).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException("Payara Micro not ready within " + limit);
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + httpPort + path);
    }

    String logTail(int lines) {
        try {
            List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    @Override
    public void close() throws InterruptedException {
        try {
            Runtime.getRuntime().removeShutdownHook(reaper);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running already
        }
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
