package io.needlestack.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.retry.RetryPolicy;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The distribution archive and its deployment examples, as a server would use them: the archive
 * is unpacked into a fresh directory (no sources beside it, so the script must not build), and
 * the systemd unit's {@code ExecStart} runs as systemd would run it (its {@code EnvironmentFile},
 * {@code ${VAR}} as one word and {@code $VAR} split into words). The node logs to standard
 * output, answers S3, stops with exit 0 on SIGTERM, keeps its data across the next start, and
 * ends non-zero when its JVM is killed (so {@code Restart=on-failure} restarts it). The container
 * image's entry point starts a node the same way. The unit itself is checked by
 * {@code systemd-analyze verify}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DistributionIT {

    private static final Duration READY = Duration.ofSeconds(300);
    private static final String ACCESS = "DISTRIBUTIONTESTKEY1";
    private static final String SECRET = "distribution/test/secret/key/0123456789ab";

    private Path work;
    private Path root;
    private final List<Process> started = new ArrayList<>();
    private final List<Path> dataDirs = new ArrayList<>();

    @BeforeAll
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void unpack() throws Exception {
        assumeTrue(NodeProcess.adapterPresent(), "needle-rar has no adapter implementation yet");
        Path archive = Path.of(System.getProperty("needlestack.it.archive", "server-config/target/needlestack.tar.gz"));
        assertTrue(Files.isRegularFile(archive), "no distribution archive at " + archive);
        work = NodeProcess.workDirectory().resolve("distribution-" + NodeProcess.freePort());
        Files.createDirectories(work);
        Process tar = new ProcessBuilder("tar", "-xzf", archive.toString(), "-C", work.toString())
                .redirectErrorStream(true).start();
        assertTrue(tar.waitFor(120, TimeUnit.SECONDS), "tar did not finish");
        assertEquals(0, tar.exitValue(), new String(tar.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        try (var top = Files.list(work)) {
            root = top.filter(Files::isDirectory).findFirst().orElseThrow();
        }
        assertTrue(root.getFileName().toString().startsWith("needlestack-"), root.toString());
        for (String f : List.of("bin/needlestack", "bin/needlestack-adm", "deploy/docker/docker-entrypoint.sh")) {
            assertTrue(Files.isExecutable(root.resolve(f)), f + " is not executable in the archive");
        }
        for (String f : List.of("payara/preboot.asadmin", "dist/payara-micro.jar", "dist/needle-rar.rar",
                "dist/gateway-war.war", "dist/manager-war.war", "README.md", "API.md",
                "deploy/systemd/needlestack.service", "deploy/systemd/needlestack.env",
                "deploy/docker/Dockerfile", "deploy/docker/compose.yaml")) {
            assertTrue(Files.isRegularFile(root.resolve(f)), f + " is missing from the archive");
        }
        assertFalse(Files.exists(root.resolve("dist/startup")), "the start-up archive belongs to the server's JDK");
    }

    @AfterAll
    void cleanUp() throws Exception {
        for (Process p : started) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        LocalCluster.killLeftovers(dataDirs.toArray(Path[]::new));
        if (work != null) {
            NodeProcess.deleteTree(work);
        }
    }

    @Test
    void theSystemdUnitPassesSystemdsOwnCheck() throws Exception {
        assumeTrue(onPath("systemd-analyze"), "systemd-analyze is not installed (.ci/run installs systemd)");
        Path unit = unitFor(Files.createTempDirectory(work, "unit-check").resolve("needlestack.service"),
                root.resolve("deploy/systemd/needlestack.env"));
        Process p = new ProcessBuilder("systemd-analyze", "verify", unit.toString()).redirectErrorStream(true).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), out);
        // Warnings (an unknown key, a bad value) leave the exit status 0: none may name the unit.
        assertFalse(out.contains("needlestack.service"), out);
    }

    @Test
    @Timeout(value = 15, unit = TimeUnit.MINUTES)
    void theUnitsCommandRunsANodeThatStopsCleanlyKeepsItsDataAndFailsWhenKilled() throws Exception {
        int port = LocalCluster.freeBasePort(1);
        Path data = work.resolve("systemd-data");
        dataDirs.add(data);
        Path secretFile = work.resolve("cluster.secret");
        Files.writeString(secretFile, "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n");

        // The example environment file, pointed at this machine: its addresses to loopback, its
        // ports to free ones, its secret file to ours. Everything else is used as shipped.
        Map<String, String> env = environmentFile(root.resolve("deploy/systemd/needlestack.env"));
        assertTrue(env.containsKey("NEEDLESTACK_START_OPTS"), env.toString());
        env.put("NEEDLESTACK_DATA", data.toString());
        env.put("NEEDLESTACK_START_OPTS", env.get("NEEDLESTACK_START_OPTS")
                .replace("10.0.0.1", "127.0.0.1").replace("10.0.0.2", "127.0.0.2").replace("10.0.0.3", "127.0.0.3")
                .replace("--port 8080", "--port " + port).replace(":5900", ":" + (port + 1000))
                .replace("--hz-port 5900", "--hz-port " + (port + 1000))
                .replace("/etc/needlestack/cluster.secret", secretFile.toString())
                // One node here: the example's three replicas could never be written.
                .replace("--consistency 3,2,1,2", "--consistency 1,1,1,1"));
        env.put("NEEDLESTACK_ROOT_ACCESS_KEY", ACCESS);
        env.put("NEEDLESTACK_ROOT_SECRET_KEY", SECRET);
        List<String> command = execStart(root.resolve("deploy/systemd/needlestack.service"), env);
        assertEquals(root.resolve("bin/needlestack").toString(), command.get(0));
        assertTrue(command.containsAll(List.of("start", "--foreground", "--name", "n1", "--rack", "r1")), command.toString());

        byte[] body = new byte[70_000];
        new Random(7).nextBytes(body);
        Path out1 = work.resolve("systemd-1.out");
        Process first = launch(command, env, out1);
        String banner = awaitReady(first, out1);
        assertTrue(banner.contains("access key " + ACCESS), banner);
        String log = Files.readString(out1);
        assertFalse(log.contains(SECRET), "the secret key must not reach the journal");
        assertTrue(log.contains("Payara Micro") && log.contains("ready in"), "the node's log goes to standard output");
        long jvm = LocalCluster.pid(data);
        assertNotEquals(first.pid(), jvm, "the script supervises the JVM");
        // The first start of a cluster, as README "On several hosts" has the operator do it.
        String ring = adm(port, "start");
        assertTrue(ring.contains("ring"), ring);
        try (S3Client s3 = s3(port)) {
            s3.createBucket(b -> b.bucket("unit"));
            s3.putObject(b -> b.bucket("unit").key("kept"), RequestBody.fromBytes(body));
        }

        // systemctl stop: SIGTERM to the main process (KillMode=mixed).
        first.destroy();
        assertTrue(first.waitFor(90, TimeUnit.SECONDS), "the script did not end after SIGTERM");
        assertEquals(0, first.exitValue(), Files.readString(out1));
        assertFalse(LocalCluster.alive(jvm), "the JVM outlived its script");
        assertFalse(Files.exists(data.resolve("node.pid")));
        Properties conf = LocalCluster.conf(data.resolve("node.conf"));
        assertEquals("r1", conf.getProperty("rack"));
        assertEquals(Integer.toString(port + 1000), conf.getProperty("hz_port"));

        // systemctl start again: the same command, the data kept; then the JVM dies.
        Path out2 = work.resolve("systemd-2.out");
        Process second = launch(command, env, out2);
        awaitReady(second, out2);
        try (S3Client s3 = s3(port)) {
            assertArrayEquals(body, s3.getObjectAsBytes(b -> b.bucket("unit").key("kept")).asByteArray());
        }
        long jvm2 = LocalCluster.pid(data);
        ProcessHandle.of(jvm2).orElseThrow().destroyForcibly();
        assertTrue(second.waitFor(60, TimeUnit.SECONDS), "the script did not end when its JVM died");
        assertEquals(137, second.exitValue(), "a killed node is a failure, for Restart=on-failure: "
                + Files.readString(out2));
        assertFalse(Files.exists(data.resolve("node.pid")));
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void theContainerEntryPointStartsANodeAndStopsItOnSigterm() throws Exception {
        int port = LocalCluster.freeBasePort(1);
        Path data = work.resolve("container-data");
        dataDirs.add(data);
        Map<String, String> env = new LinkedHashMap<>();
        env.put("NEEDLESTACK_DATA", data.toString());
        env.put("NEEDLESTACK_BIND", "127.0.0.1");
        env.put("NEEDLESTACK_NAME", "c1");
        env.put("NEEDLESTACK_ROOT_ACCESS_KEY", ACCESS);
        env.put("NEEDLESTACK_ROOT_SECRET_KEY", SECRET);
        // The image's ports (8080, 9080, 10080) may be taken here: the arguments override them.
        List<String> command = List.of(root.resolve("deploy/docker/docker-entrypoint.sh").toString(),
                "--port", Integer.toString(port), "--hz-port", Integer.toString(port + 1000),
                "--internal-port", Integer.toString(port + 2000), "--rack", "rack-a");
        Path out = work.resolve("container.out");
        Process node = launch(command, env, out);
        String banner = awaitReady(node, out);
        assertTrue(banner.contains("'c1'"), banner);
        try (S3Client s3 = s3(port)) {
            s3.createBucket(b -> b.bucket("entry"));
            s3.putObject(b -> b.bucket("entry").key("k"), RequestBody.fromString("v"));
            assertEquals("v", s3.getObjectAsBytes(b -> b.bucket("entry").key("k")).asUtf8String());
        }
        Properties conf = LocalCluster.conf(data.resolve("node.conf"));
        assertEquals("c1", conf.getProperty("name"));
        assertEquals("rack-a", conf.getProperty("rack"));
        // docker stop: SIGTERM to the container's main process, which the entry point exec'd.
        node.destroy();
        assertTrue(node.waitFor(90, TimeUnit.SECONDS), "the entry point did not end after SIGTERM");
        assertEquals(0, node.exitValue(), Files.readString(out));
    }

    // ---- systemd, as far as the unit uses it ------------------------------------------------

    /** The unit with the installation's paths, user and environment file of this machine. */
    private Path unitFor(Path target, Path envFile) throws IOException {
        String user = System.getProperty("user.name");
        String unit = Files.readString(root.resolve("deploy/systemd/needlestack.service"))
                .replace("/opt/needlestack/", root + "/")
                .replace("/etc/needlestack/needlestack.env", envFile.toString())
                .replaceAll("(?m)^User=.*$", "User=" + user).replaceAll("(?m)^Group=.*$", "");
        Files.writeString(target, unit);
        return target;
    }

    /** systemd's EnvironmentFile: KEY=value lines, comments and blank lines skipped, no expansion. */
    private static Map<String, String> environmentFile(Path file) throws IOException {
        Map<String, String> env = new LinkedHashMap<>();
        for (String line : Files.readAllLines(file)) {
            String l = line.strip();
            if (l.isEmpty() || l.startsWith("#") || l.startsWith(";")) {
                continue;
            }
            int eq = l.indexOf('=');
            assertTrue(eq > 0, "not KEY=value: " + line);
            env.put(l.substring(0, eq).strip(), l.substring(eq + 1).strip());
        }
        return env;
    }

    /** The unit's ExecStart as systemd expands it: ${VAR} one word, $VAR split at whitespace. */
    private List<String> execStart(Path unitFile, Map<String, String> env) throws IOException {
        String line = Files.readAllLines(unitFile).stream().filter(l -> l.startsWith("ExecStart="))
                .findFirst().orElseThrow().substring("ExecStart=".length())
                .replace("/opt/needlestack/", root + "/");
        List<String> words = new ArrayList<>();
        Pattern braced = Pattern.compile("\\$\\{(\\w+)}");
        for (String w : line.trim().split("\\s+")) {
            Matcher m = braced.matcher(w);
            if (w.matches("\\$\\w+")) {
                String v = env.getOrDefault(w.substring(1), "");
                for (String part : v.trim().split("\\s+")) {
                    if (!part.isEmpty()) {
                        words.add(part);
                    }
                }
            } else {
                words.add(m.replaceAll(r -> Matcher.quoteReplacement(env.getOrDefault(r.group(1), ""))));
            }
        }
        return words;
    }

    // ---- processes -------------------------------------------------------------------------

    /** Starts {@code command} with only {@code env} besides PATH and JAVA_HOME, as a service manager does. */
    private Process launch(List<String> command, Map<String, String> env, Path out) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile());
        Map<String, String> e = pb.environment();
        String path = e.get("PATH");
        String javaHome = e.get("JAVA_HOME");
        e.clear();
        e.put("PATH", path);
        if (javaHome != null) {
            e.put("JAVA_HOME", javaHome);
        }
        // The tests' lean JIT, as every other IT's nodes get it.
        e.put("NEEDLESTACK_JAVA_OPTS", System.getProperty("needlestack.it.java.opts", "-XX:TieredStopAtLevel=1"));
        e.putAll(env);
        Process p = pb.start();
        started.add(p);
        return p;
    }

    /** Waits for the ready line on the process's output; returns it. */
    private static String awaitReady(Process p, Path out) throws Exception {
        long deadline = System.nanoTime() + READY.toNanos();
        while (System.nanoTime() < deadline) {
            String text = Files.readString(out, StandardCharsets.UTF_8);
            for (String line : text.split("\n")) {
                if (line.startsWith("Needlestack node '") && line.contains("is ready")) {
                    return line;
                }
            }
            if (!p.isAlive()) {
                throw new AssertionError("the node's script ended (" + p.exitValue() + ") before it was ready:\n"
                        + tail(text));
            }
            Thread.sleep(500);
        }
        throw new AssertionError("not ready in " + READY + ":\n" + tail(Files.readString(out)));
    }

    private static String tail(String text) {
        return text.length() > 6000 ? text.substring(text.length() - 6000) : text;
    }

    /** The archive's needlestack-adm against the node on {@code port}; its output (exit 0 required). */
    private String adm(int port, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(root.resolve("bin/needlestack-adm").toString(),
                "--endpoint", "http://127.0.0.1:" + port, "--access-key", ACCESS, "--secret-key", SECRET));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "needlestack-adm did not return");
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), out);
        return out;
    }

    private static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }

    private static S3Client s3(int port) {
        return S3Client.builder().endpointOverride(URI.create("http://127.0.0.1:" + port))
                .region(Region.US_EAST_1).forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS, SECRET)))
                .overrideConfiguration(ClientOverrideConfiguration.builder().retryPolicy(RetryPolicy.none())
                        .apiCallTimeout(Duration.ofSeconds(30)).build())
                .httpClientBuilder(ApacheHttpClient.builder()).build();
    }
}
