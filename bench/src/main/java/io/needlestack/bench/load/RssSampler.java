package io.needlestack.bench.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Samples a process's resident set size (Linux {@code /proc/PID/status}, VmRSS) every 200 ms
 * while a phase runs, keeping the largest value. Silent where there is no such file.
 */
final class RssSampler implements AutoCloseable {

  private final Path status;
  private final AtomicLong max = new AtomicLong();
  private final Thread thread;
  private volatile boolean running = true;

  RssSampler(long pid) {
    this.status = Path.of("/proc", Long.toString(pid), "status");
    this.thread = new Thread(this::loop, "rss-sampler-" + pid);
    thread.setDaemon(true);
    if (pid > 0) {
      thread.start();
    }
  }

  private void loop() {
    while (running) {
      long rss = read(status);
      max.accumulateAndGet(rss, Math::max);
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /** VmRSS in bytes, or 0 when the file is missing or has no such line. */
  static long read(Path status) {
    try {
      for (String line : Files.readAllLines(status)) {
        if (line.startsWith("VmRSS:")) {
          String[] parts = line.substring(6).trim().split("\\s+");
          return Long.parseLong(parts[0]) * 1024;
        }
      }
    } catch (IOException | RuntimeException e) {
      return 0;
    }
    return 0;
  }

  /** The largest resident set size seen, in bytes (one last sample included). */
  long max() {
    if (thread.isAlive() || running) {
      max.accumulateAndGet(read(status), Math::max);
    }
    return max.get();
  }

  @Override
  public void close() {
    running = false;
    thread.interrupt();
  }
}
