package io.needlestack.storage.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import io.needlestack.storage.store.NeedleKey;
import io.needlestack.storage.store.NeedleKind;
import io.needlestack.storage.store.NeedleRecord;
import io.needlestack.storage.store.NeedleWrite;
import io.needlestack.storage.store.PutResult;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

/** Small helpers shared by the engine tests. */
final class EngineTestSupport {
    private EngineTestSupport() {
    }

    /** Deterministic data for a seed, so a test can check bytes without keeping them. */
    static byte[] data(long seed, int length) {
        byte[] b = new byte[length];
        new Random(seed).nextBytes(b);
        return b;
    }

    static PutResult put(NeedleEngine e, NeedleKey key, long hlc, String version, byte[] data, boolean keepOlder) {
        return e.put(new NeedleWrite(key, hlc, version, false, Map.of("content-type", "application/octet-stream")),
                new ByteArrayInputStream(data), data.length, keepOlder);
    }

    static PutResult delete(NeedleEngine e, NeedleKey key, long hlc, String version, boolean keepOlder) {
        return e.put(new NeedleWrite(key, hlc, version, true, null), null, 0, keepOlder);
    }

    static NeedleKey obj(String bucket, String name) {
        return new NeedleKey(NeedleKind.OBJECT, bucket, name);
    }

    static byte[] read(NeedleEngine e, NeedleRecord r) {
        try (InputStream in = e.openData(r, 0, r.dataLength())) {
            return in.readAllBytes();
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    static void assertData(NeedleEngine e, NeedleRecord r, byte[] expected) {
        assertArrayEquals(expected, read(e, r), () -> "data of " + r.key());
    }

    /** Copies a directory tree (an index, to put it back later as a crash would have left it). */
    static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    /** Deletes a directory tree; fails on anything it cannot delete. */
    static void deleteTree(Path p) throws IOException {
        try (Stream<Path> walk = Files.walk(p)) {
            for (Path f : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(f);
            }
        }
    }
}
