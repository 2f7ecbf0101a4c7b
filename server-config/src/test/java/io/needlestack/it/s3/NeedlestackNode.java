package io.needlestack.it.s3;

import io.needlestack.it.NodeProcess;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A Needlestack all-in-one node as the end-to-end tests' server: started with
 * {@code server-config/bin/needlestack start} through {@link NodeProcess}, on a port and a data
 * directory that stay the same across {@link #kill9()} and {@link #start(String)}.
 */
final class NeedlestackNode implements NodeUnderTest {

  private final Path dataDir;
  private final int port = NodeProcess.freePort();
  private final int hazelcastPort = NodeProcess.freePort();
  private NodeProcess process;

  NeedlestackNode(Path work) {
    this.dataDir = work.resolve("data");
  }

  @Override
  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + port);
  }

  @Override
  public String accessKey() {
    return process.accessKey();
  }

  @Override
  public String secretKey() {
    return process.secretKey();
  }

  @Override
  public String region() {
    return "us-east-1";
  }

  @Override
  public Target target() {
    return Target.NEEDLESTACK;
  }

  @Override
  public void start(String maxHeap) {
    if (process != null && process.isAlive()) {
      throw new IllegalStateException("already running");
    }
    // A new handle each time, so a restart may change the heap; name, ports and data stay.
    process = NodeProcess.builder("e2e").port(port).hazelcastPort(hazelcastPort).dataDir(dataDir)
        .xmx(maxHeap).build();
    process.start();
  }

  @Override
  public void kill9() {
    process.kill();
  }

  @Override
  public void stop() {
    if (process != null) {
      process.stop();
    }
  }

  @Override
  public boolean isRunning() {
    return process != null && process.isAlive();
  }

  @Override
  public String logTail() {
    Path log = dataDir.resolve("node.log");
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
    } catch (IOException e) {
      return "(no log at " + log + ": " + e + ")";
    }
  }

  @Override
  public void close() {
    try {
      stop();
    } catch (RuntimeException e) {
      if (process != null) {
        process.kill();
      }
    }
  }
}
