package io.needlestack.core.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;
import java.util.function.Supplier;

/**
 * A small secret file in the data directory (the cluster secret, the root credentials) that
 * whoever needs it first creates, readable by the owner only (mode 600).
 *
 * <p>Creation is atomic and never replaces an existing file: the content is written to a
 * private temporary file that is then hard-linked to the final name, which fails if another
 * process won the race; everybody then reads the winner's content. So all readers of one data
 * directory agree on the secret even when several applications start at once.
 */
public final class SecretFile {

    private static final Set<PosixFilePermission> OWNER_ONLY =
            EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);

    private SecretFile() {
    }

    /**
     * The content of {@code file}, created with {@code initial} first if it does not exist.
     *
     * @throws UncheckedIOException when the file can be neither read nor created
     */
    public static String readOrCreate(Path file, Supplier<String> initial) {
        try {
            if (!Files.exists(file)) {
                create(file, initial.get());
            }
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create " + file, e);
        }
    }

    private static void create(Path file, String content) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
        try {
            ownerOnly(tmp);
            Files.writeString(tmp, content, StandardCharsets.UTF_8);
            try (var ch = java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            try {
                Files.createLink(file, tmp);
            } catch (FileAlreadyExistsException lostRace) {
                // Another process created it first: its content is the one everybody uses.
            } catch (UnsupportedOperationException noHardLinks) {
                try {
                    Files.move(tmp, file);
                } catch (FileAlreadyExistsException lostRace) {
                    // as above
                }
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static void ownerOnly(Path p) throws IOException {
        try {
            Files.setPosixFilePermissions(p, OWNER_ONLY);
        } catch (UnsupportedOperationException notPosix) {
            // Windows: the data directory's ACL is what protects the file.
        }
    }

    /** The POSIX permissions of a file as {@code rw-------}, or empty where unsupported (tests). */
    public static String permissions(Path p) throws IOException {
        try {
            return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
        } catch (UnsupportedOperationException notPosix) {
            return "";
        }
    }
}
