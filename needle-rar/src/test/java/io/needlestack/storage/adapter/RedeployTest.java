package io.needlestack.storage.adapter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A redeploy as a server does it: the adapter's classes (and rocksdbjni) in a new class loader
 * while the old loader is still alive. The JVM refuses to load one native library file into two
 * class loaders, so this fails unless each load extracts the library under a fresh name.
 */
class RedeployTest {
    @TempDir
    Path dir;

    @Test
    void startsInThreeClassLoadersOneAfterAnother() throws Exception {
        URL[] urls = {
                location(NeedleResourceAdapter.class),
                location(org.rocksdb.RocksDB.class),
                location(jakarta.resource.spi.ResourceAdapter.class),
        };
        List<ClassLoader> alive = new ArrayList<>(); // kept reachable, as an undeployed app may still be
        for (int i = 0; i < 3; i++) {
            URLClassLoader loader = new URLClassLoader("deployment-" + i, urls, ClassLoader.getPlatformClassLoader());
            alive.add(loader);
            Class<?> raClass = loader.loadClass(NeedleResourceAdapter.class.getName());
            assertNotSame(NeedleResourceAdapter.class, raClass);
            Object ra = raClass.getConstructor().newInstance();
            raClass.getMethod("setDataDirectories", String.class).invoke(ra, dir.toString());
            raClass.getMethod("setMinFreeBytes", Long.class).invoke(ra, 0L);
            Class<?> ctx = loader.loadClass("jakarta.resource.spi.BootstrapContext");
            raClass.getMethod("start", ctx).invoke(ra, (Object) null);
            java.lang.reflect.Method engineOf = raClass.getDeclaredMethod("engine");
            engineOf.setAccessible(true); // package-private, and another run-time package in this loader
            Object engine = engineOf.invoke(ra);
            Object stats = engine.getClass().getMethod("stats").invoke(engine);
            assertEquals(8, stats.getClass().getMethod("containers").invoke(stats));
            raClass.getMethod("stop").invoke(ra);
        }
        assertEquals(3, alive.size());
        // Extracted under the data directory (not /tmp), the extractions of earlier loads removed.
        try (var s = java.nio.file.Files.list(dir.resolve("native"))) {
            List<Path> extracted = s.toList();
            assertEquals(1, extracted.size(), extracted.toString());
            assertTrue(java.nio.file.Files.exists(extracted.get(0).resolve("librocksdbjni-linux64.so"))
                    || !System.getProperty("os.arch").equals("amd64"));
        }
    }

    private static URL location(Class<?> c) {
        return c.getProtectionDomain().getCodeSource().getLocation();
    }
}
