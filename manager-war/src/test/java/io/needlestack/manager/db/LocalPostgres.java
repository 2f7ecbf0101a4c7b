package io.needlestack.manager.db;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

import io.needlestack.core.config.NodeConfig;

/**
 * A private PostgreSQL server for the manager's database tests: {@code initdb} in a temporary
 * directory, started on a free loopback port with trust authentication (user and database
 * {@code needlestack}), stopped and deleted by {@link #close()}; as root, the server commands run
 * as {@code postgres} ({@code initdb} refuses root). The same steps as server-config's
 * {@code PostgresServer} (the end-to-end tests' harness), kept apart because the two modules
 * share no test code. Without PostgreSQL the test fails when {@code CI} is set and is skipped
 * otherwise.
 */
final class LocalPostgres implements AutoCloseable {

    private final Path bin;
    private final Path dir;
    private final int port;
    private final boolean asPostgres;

    private LocalPostgres(Path bin, Path dir, int port, boolean asPostgres) {
        this.bin = bin;
        this.dir = dir;
        this.port = port;
        this.asPostgres = asPostgres;
    }

    static LocalPostgres start() throws Exception {
        Optional<Path> bin = findBin();
        if (bin.isEmpty()) {
            String why = "PostgreSQL (initdb, pg_ctl) not found: install the Debian package postgresql";
            if (System.getenv("CI") != null) {
                throw new AssertionError(why + " (CI must run this test: .ci/run installs it)");
            }
            Assumptions.abort(why);
        }
        boolean root = "root".equals(System.getProperty("user.name"));
        Path dir = Files.createTempDirectory("needlestack-pg-unit");
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        LocalPostgres pg = new LocalPostgres(bin.get(), dir, port, root);
        try {
            if (root) {
                pg.exec(List.of("chown", "postgres:postgres", dir.toString()), false);
            }
            pg.exec(List.of(bin.get().resolve("initdb").toString(), "-D", dir.resolve("data").toString(),
                    "-U", "needlestack", "--auth=trust", "-E", "UTF8", "--no-sync"), true);
            pg.exec(List.of(bin.get().resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(),
                    "-l", dir.resolve("server.log").toString(), "-w", "-t", "60", "-o",
                    "-p " + port + " -c listen_addresses=127.0.0.1 -c unix_socket_directories=" + dir
                            + " -c fsync=off", "start"), true);
            pg.exec(List.of(bin.get().resolve("createdb").toString(), "-h", "127.0.0.1", "-p",
                    Integer.toString(port), "-U", "needlestack", "needlestack"), true);
            return pg;
        } catch (Exception | AssertionError e) {
            pg.close();
            throw e;
        }
    }

    /** A data source as a manager node configured with {@code --db} opens it. */
    NodeDataSource dataSource() {
        return new NodeDataSource(NodeConfig.of(Map.of("needlestack.data", dir.toString(), "needlestack.db.url",
                "jdbc:postgresql://127.0.0.1:" + port + "/needlestack?user=needlestack")));
    }

    @Override
    public void close() {
        try {
            if (Files.exists(dir.resolve("data").resolve("postmaster.pid"))) {
                exec(List.of(bin.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-m",
                        "immediate", "-w", "-t", "30", "stop"), true);
            }
        } catch (Exception | AssertionError e) {
            System.err.println("could not stop the test PostgreSQL in " + dir + ": " + e);
        }
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a leftover temporary directory
        }
    }

    private void exec(List<String> command, boolean serverUser) throws Exception {
        List<String> cmd = new ArrayList<>();
        if (serverUser && asPostgres) {
            cmd.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        cmd.addAll(command);
        Path out = Files.createTempFile("needlestack-pg", ".out");
        try {
            Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(out.toFile()).start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError(String.join(" ", cmd) + " did not return in 120 s");
            }
            if (p.exitValue() != 0) {
                throw new AssertionError(String.join(" ", cmd) + " exited " + p.exitValue() + ":\n" + Files.readString(out));
            }
        } finally {
            Files.deleteIfExists(out);
        }
    }

    private static Optional<Path> findBin() throws IOException {
        Path lib = Path.of("/usr/lib/postgresql");
        if (Files.isDirectory(lib)) {
            try (Stream<Path> versions = Files.list(lib)) {
                Optional<Path> newest = versions.map(v -> v.resolve("bin"))
                        .filter(b -> Files.isExecutable(b.resolve("initdb")))
                        .max(Comparator.comparingInt(b -> version(b.getParent().getFileName().toString())));
                if (newest.isPresent()) {
                    return newest;
                }
            }
        }
        for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, "initdb"))) {
                return Optional.of(Path.of(d));
            }
        }
        return Optional.empty();
    }

    private static int version(String s) {
        try {
            return Integer.parseInt(s.replaceAll("[^0-9].*", ""));
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
