package io.needlestack.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * A private PostgreSQL server for a test: {@code initdb} in a fresh temporary directory,
 * {@code pg_ctl start} on a free loopback port (trust authentication, user and database
 * {@code needlestack}, fsync off), stopped with {@code pg_ctl -m immediate} and deleted by
 * {@link #close()}. As root (CI) every server command runs as the {@code postgres} user through
 * {@code runuser}, since {@code initdb} refuses root.
 *
 * <p>The binaries are taken from {@code NEEDLESTACK_PG_BIN}, else the newest
 * {@code /usr/lib/postgresql/<version>/bin}, else {@code PATH}. Without them the test fails when
 * the environment variable {@code CI} is set ({@code .ci/run} installs PostgreSQL) and is skipped
 * only on a developer's machine.
 */
public final class PostgresServer implements AutoCloseable {

    private static final long BOUND_SECONDS = 120;

    private final Path bin;
    private final Path dir;
    private final int port;
    private final boolean asPostgres;

    private PostgresServer(Path bin, Path dir, int port, boolean asPostgres) {
        this.bin = bin;
        this.dir = dir;
        this.port = port;
        this.asPostgres = asPostgres;
    }

    /** Starts a new server; fails in CI, skips elsewhere, when PostgreSQL is not installed. */
    public static PostgresServer start() throws Exception {
        Optional<Path> bin = findBin();
        if (bin.isEmpty()) {
            String why = "PostgreSQL (initdb, pg_ctl) not found: install the Debian package postgresql "
                    + "or set NEEDLESTACK_PG_BIN";
            if (System.getenv("CI") != null) {
                throw new AssertionError(why + " (CI must run this test: .ci/run installs it)");
            }
            Assumptions.abort(why);
        }
        boolean root = "root".equals(System.getProperty("user.name"));
        Path dir = Files.createTempDirectory("needlestack-pg");
        int port = freePort();
        PostgresServer pg = new PostgresServer(bin.get(), dir, port, root);
        try {
            if (root) {
                pg.exec(List.of("chown", "postgres:postgres", dir.toString()), false);
            }
            pg.exec(List.of(bin.get().resolve("initdb").toString(), "-D", dir.resolve("data").toString(),
                    "-U", "needlestack", "--auth=trust", "-E", "UTF8", "--no-sync"), true);
            pg.exec(List.of(bin.get().resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(),
                    "-l", dir.resolve("server.log").toString(), "-w", "-t", "60", "-o",
                    "-p " + port + " -c listen_addresses=127.0.0.1 -c unix_socket_directories=" + dir
                            + " -c fsync=off -c synchronous_commit=off -c max_connections=100", "start"), true);
            pg.exec(List.of(bin.get().resolve("createdb").toString(), "-h", "127.0.0.1", "-p",
                    Integer.toString(port), "-U", "needlestack", "needlestack"), true);
            return pg;
        } catch (Exception | AssertionError e) {
            pg.close();
            throw e;
        }
    }

    /** The JDBC URL of its database {@code needlestack}, user {@code needlestack}. */
    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/needlestack?user=needlestack";
    }

    /** Runs one SQL statement with {@code psql} and answers its unaligned output. */
    public String sql(String statement) throws Exception {
        Path psql = bin.resolve("psql");
        return exec(List.of(psql.toString(), "-h", "127.0.0.1", "-p", Integer.toString(port), "-U", "needlestack",
                "-d", "needlestack", "-At", "-c", statement), true);
    }

    /** The server's log so far. */
    public String log() {
        try {
            return Files.readString(dir.resolve("server.log"));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
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
        try {
            NodeProcess.deleteTree(dir);
        } catch (IOException e) {
            // a leftover temporary directory
        }
    }

    private String exec(List<String> command, boolean serverUser) throws Exception {
        List<String> cmd = new ArrayList<>();
        if (serverUser && asPostgres) {
            cmd.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        cmd.addAll(command);
        Path out = Files.createTempFile("needlestack-pg", ".out");
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile());
            pb.directory(dir.toFile());
            Process p = pb.start();
            if (!p.waitFor(BOUND_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError(String.join(" ", cmd) + " did not return in " + BOUND_SECONDS + " s");
            }
            String text = Files.readString(out);
            if (p.exitValue() != 0) {
                throw new AssertionError(String.join(" ", cmd) + " exited " + p.exitValue() + ":\n" + text
                        + "\n" + log());
            }
            return text.strip();
        } finally {
            Files.deleteIfExists(out);
        }
    }

    private static Optional<Path> findBin() throws IOException {
        String env = System.getenv("NEEDLESTACK_PG_BIN");
        if (env != null && Files.isExecutable(Path.of(env, "initdb"))) {
            return Optional.of(Path.of(env));
        }
        Path lib = Path.of("/usr/lib/postgresql");
        if (Files.isDirectory(lib)) {
            try (Stream<Path> versions = Files.list(lib)) {
                Optional<Path> newest = versions.map(v -> v.resolve("bin"))
                        .filter(b -> Files.isExecutable(b.resolve("initdb")) && Files.isExecutable(b.resolve("pg_ctl")))
                        .max(Comparator.comparingInt(b -> version(b.getParent().getFileName().toString())));
                if (newest.isPresent()) {
                    return newest;
                }
            }
        }
        for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, "initdb")) && Files.isExecutable(Path.of(d, "pg_ctl"))) {
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

    private static int freePort() {
        // Below the ephemeral range: the server may be stopped and started again on the same port.
        return NodeProcess.freePort();
    }
}
