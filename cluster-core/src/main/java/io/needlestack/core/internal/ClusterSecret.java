package io.needlestack.core.internal;

import io.needlestack.core.config.NodeConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;

/**
 * The secret shared by every node of a cluster, which keys the HMAC of internal requests.
 *
 * <p>It lives in {@code <data>/cluster.secret}: the start script writes it (every node of a
 * cluster must get the same file); if it is absent, the first reader creates one (32 random
 * bytes, hex) atomically with mode 600. The key is the UTF-8 bytes of the file's content with
 * surrounding white space removed, so operators may put any long random string in it.
 */
public final class ClusterSecret {

    /** The file name inside the data directory. */
    public static final String FILE_NAME = "cluster.secret";

    private ClusterSecret() {
    }

    /** The secret of the node whose data directory is {@code dataDir}, created if absent. */
    public static byte[] load(Path dataDir) {
        String text = SecretFile.readOrCreate(dataDir.resolve(FILE_NAME), ClusterSecret::generate).strip();
        if (text.length() < 16) {
            throw new IllegalStateException(dataDir.resolve(FILE_NAME) + " holds fewer than 16 characters");
        }
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** System property (or environment variable) of the accepted clock difference, in seconds. */
    public static final String SKEW_PROPERTY = "needlestack.internal.auth.skew.s";
    /** System property (or environment variable) of the replay memory's size, in nonces. */
    public static final String MAX_NONCES_PROPERTY = "needlestack.internal.auth.max-nonces";

    /**
     * {@link InternalAuth} keyed with the node's cluster secret, with the window
     * ({@value #SKEW_PROPERTY}) and replay memory ({@value #MAX_NONCES_PROPERTY}) of this JVM's
     * configuration, else the defaults.
     */
    public static InternalAuth auth(Path dataDir) {
        NodeConfig config = NodeConfig.current();
        return new InternalAuth(load(dataDir), Clock.systemUTC(),
                Duration.ofSeconds(config.getLong(SKEW_PROPERTY, InternalAuth.DEFAULT_SKEW.toSeconds())),
                config.getInt(MAX_NONCES_PROPERTY, InternalAuth.DEFAULT_MAX_NONCES));
    }

    private static String generate() {
        byte[] b = new byte[32];
        new SecureRandom().nextBytes(b);
        return HexFormat.of().formatHex(b) + "\n";
    }
}
