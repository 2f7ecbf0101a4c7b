package io.needlestack.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs {@code bin/needlestack} the way an operator does ({@code cluster up}, {@code start},
 * {@code stop}, ...) for the cluster tests, with bounded waits, and reads what it leaves in the
 * data directories.
 */
public final class LocalCluster {

    /** Bound on one script call. */
    public static final Duration SCRIPT_BOUND = Duration.ofMinutes(8);

    private LocalCluster() {
    }

    private static final java.net.http.HttpClient HTTP = java.net.http.HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(3)).build();

    /** The body of a node's {@code /_health} on its HTTP port, or "" when it does not answer. */
    public static String health(int httpPort) {
        try {
            return get(httpPort, "/_health");
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    /** The body of a node's {@code /_metrics} (Prometheus text). */
    public static String metrics(int httpPort) throws IOException, InterruptedException {
        return get(httpPort, "/_metrics");
    }

    /**
     * One unlabelled sample of a node's {@code /_metrics}.
     *
     * @throws AssertionError when the node does not report it
     */
    public static long metric(int httpPort, String name) throws IOException, InterruptedException {
        String text = metrics(httpPort);
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + " (\\d+)$").matcher(text);
        if (!m.find()) {
            throw new AssertionError(name + " missing from /_metrics of port " + httpPort + ":\n" + text);
        }
        return Long.parseLong(m.group(1));
    }

    /**
     * Waits until the {@code nodes} nodes on HTTP ports {@code basePort}, {@code basePort + 1}, ...
     * all show a ring of {@code members} in {@code /_health}.
     */
    public static boolean waitForRing(int basePort, int nodes, int members, Duration bound) throws InterruptedException {
        long deadline = System.nanoTime() + bound.toNanos();
        while (System.nanoTime() < deadline) {
            boolean all = true;
            for (int i = 0; i < nodes; i++) {
                all &= health(basePort + i).contains("\"members\":" + members);
            }
            if (all) {
                return true;
            }
            Thread.sleep(500);
        }
        return false;
    }

    private static String get(int httpPort, String path) throws IOException, InterruptedException {
        return HTTP.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + httpPort + path))
                .timeout(Duration.ofSeconds(5)).build(), java.net.http.HttpResponse.BodyHandlers.ofString()).body();
    }

    /** A base port P with P, P+1 (HTTP), P+1000, P+1001 (Hazelcast), P+2000, P+2001 (internal) free. */
    public static int freeBasePort(int nodes) {
        for (int attempt = 0; attempt < 500; attempt++) {
            int p = NodeProcess.portBelowEphemeral(2000 + nodes);
            boolean free = true;
            for (int i = 0; i < nodes && free; i++) {
                free = NodeProcess.bindable(p + i) && NodeProcess.bindable(p + 1000 + i)
                        && NodeProcess.bindable(p + 2000 + i);
            }
            if (free) {
                return p;
            }
        }
        throw new IllegalStateException("no free port range found");
    }

    public record Result(int exit, String output) {
    }

    /** Runs {@code bin/needlestack} with {@code args}. */
    public static Result script(String... args) throws Exception {
        return run(NodeProcess.script(), args);
    }

    /** Runs {@code bin/needlestack-adm --endpoint E --data D args...}. */
    public static Result adm(String endpoint, Path data, String... args) throws Exception {
        List<String> a = new ArrayList<>(List.of("--endpoint", endpoint, "--data", data.toString()));
        a.addAll(List.of(args));
        return run(NodeProcess.script().resolveSibling("needlestack-adm"), a.toArray(String[]::new));
    }

    /** Runs a script of {@code bin/} with a bounded wait, the node settings of the tests, and no root keys from the environment. */
    public static Result run(Path script, String... args) throws Exception {
        return runWithJavaOpts("", script, args);
    }

    /** {@link #run}, with {@code extraJavaOpts} (e.g. {@code -Dneedlestack.x=y}) added to the nodes' JVM options. */
    public static Result runWithJavaOpts(String extraJavaOpts, Path script, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("bash", script.toString()));
        cmd.addAll(List.of(args));
        Path out = Files.createTempFile("needlestack-cluster", ".out");
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile());
            pb.environment().put("NEEDLESTACK_DIST", NodeProcess.dist().toString());
            pb.environment().put("NEEDLESTACK_NO_BUILD", "1");
            pb.environment().put("NEEDLESTACK_JAVA_OPTS",
                    (System.getProperty("needlestack.it.java.opts", "-XX:TieredStopAtLevel=1") + " " + extraJavaOpts).trim());
            pb.environment().remove("NEEDLESTACK_ROOT_ACCESS_KEY");
            pb.environment().remove("NEEDLESTACK_ROOT_SECRET_KEY");
            Process p = pb.start();
            if (!p.waitFor(SCRIPT_BOUND.toSeconds(), TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError(String.join(" ", args) + " did not return in " + SCRIPT_BOUND
                        + ":\n" + Files.readString(out));
            }
            return new Result(p.exitValue(), Files.readString(out));
        } finally {
            Files.deleteIfExists(out);
        }
    }

    public static Properties conf(Path file) throws IOException {
        Properties p = new Properties();
        try (var in = Files.newInputStream(file)) {
            p.load(in);
        }
        return p;
    }

    public static long pid(Path node) throws IOException {
        return Long.parseLong(Files.readString(node.resolve("node.pid")).trim());
    }

    public static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    public static int count(String s, String what) {
        Matcher m = Pattern.compile(Pattern.quote(what)).matcher(s);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    public static String tail(Path node) {
        try {
            List<String> lines = Files.readAllLines(node.resolve("node.log"), StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }


    /**
     * Kills the node's JVM (the pid its {@code node.pid} names) with SIGKILL, as a crash does, and
     * waits until it is gone; an {@link AssertionError} when it outlives 30 s.
     */
    public static void kill9(Path node) throws IOException, InterruptedException {
        long pid = pid(node);
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (alive(pid) && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        if (alive(pid)) {
            throw new AssertionError(node.getFileName() + " (pid " + pid + ") survived kill -9");
        }
    }

    /** A failed assertion must not leave nodes running: kill -9 whatever a pid file still names. */
    public static void killLeftovers(Path... nodes) {
        for (Path node : nodes) {
            try {
                if (Files.isRegularFile(node.resolve("node.pid"))) {
                    ProcessHandle.of(pid(node)).ifPresent(h -> {
                        h.destroyForcibly();
                        h.onExit().orTimeout(30, TimeUnit.SECONDS).exceptionally(t -> null).join();
                    });
                    Files.deleteIfExists(node.resolve("node.pid"));
                }
            } catch (IOException | NumberFormatException ignored) {
                // nothing to kill
            }
        }
    }

    /** The output of a script run that must have succeeded (exit 0; the output is the message otherwise). */
    public static String ok(Result r) {
        org.junit.jupiter.api.Assertions.assertEquals(0, r.exit(), r.output());
        return r.output();
    }

    /** The last JSON object of an output ({@code needlestack-adm --json}'s, or a file's). */
    public static jakarta.json.JsonObject json(String output) {
        String text = output.trim();
        try (var r = jakarta.json.Json.createReader(new java.io.StringReader(text.substring(text.lastIndexOf("\n{") + 1)))) {
            return r.readObject();
        }
    }
}
