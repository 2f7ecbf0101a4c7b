package io.needlestack.it.s3;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Kills every server process the tests started if the test JVM exits without closing them
 * (a timeout, a crash of the test run), so no server outlives the build.
 */
final class ProcessReaper {

  private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      for (Process p : LIVE) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
      }
    }, "e2e-process-reaper"));
  }

  private ProcessReaper() {
  }

  static void register(Process p) {
    LIVE.add(p);
  }

  static void unregister(Process p) {
    LIVE.remove(p);
  }
}
