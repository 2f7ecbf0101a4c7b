package io.needlestack.storage.index;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.rocksdb.NativeLibraryLoader;

/**
 * Loads the RocksDB native library from a directory of the store instead of {@code /tmp} (which
 * may be mounted noexec). Each load extracts into a fresh sub-directory: the JVM refuses to load
 * one library file into two class loaders, and a redeployed adapter is a new class loader while the
 * old one may not be collected yet. Old extractions are removed (Linux keeps a mapped file alive).
 */
final class RocksNative {
    private static final Logger LOG = Logger.getLogger(RocksNative.class.getName());
    private static boolean loaded; // per class loader, which is exactly the scope RocksDB's own flag has

    private RocksNative() {
    }

    static synchronized void load(Path nativeRoot) throws IOException {
        if (loaded) {
            return;
        }
        Files.createDirectories(nativeRoot);
        removeOldExtractions(nativeRoot);
        Path dir = nativeRoot.resolve("rocksdbjni-" + UUID.randomUUID());
        Files.createDirectories(dir);
        NativeLibraryLoader.getInstance().loadLibrary(dir.toString());
        // Now RocksDB's static initialiser finds the library loaded and extracts nothing to /tmp.
        org.rocksdb.RocksDB.loadLibrary();
        loaded = true;
    }

    private static void removeOldExtractions(Path nativeRoot) {
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(nativeRoot, "rocksdbjni-*")) {
            for (Path d : dirs) {
                try (Stream<Path> walk = Files.walk(d)) {
                    walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
        } catch (IOException e) {
            LOG.log(Level.FINE, "could not remove old RocksDB extractions under " + nativeRoot, e);
        }
    }
}
