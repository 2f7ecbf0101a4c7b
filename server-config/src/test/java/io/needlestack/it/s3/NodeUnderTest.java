package io.needlestack.it.s3;

import java.net.URI;

/**
 * One S3 server process under test, owned by the test that started it.
 *
 * <p>Implementations run the server as a separate OS process bound to 127.0.0.1, keep its data
 * directory and port across {@link #kill9()} / {@link #start()} so that crash recovery can be
 * observed, and release everything in {@link #close()}.
 */
public interface NodeUnderTest extends AutoCloseable {

  /** Heap given to the server when a test does not ask for one. */
  String DEFAULT_HEAP = "512m";

  /** The S3 endpoint, e.g. {@code http://127.0.0.1:41234}; stable across restarts. */
  URI endpoint();

  /** Access key of a user allowed to do everything. */
  String accessKey();

  /** Secret key belonging to {@link #accessKey()}. */
  String secretKey();

  /** The signing region the server expects. */
  String region();

  /** Which kind of server this is. */
  Target target();

  /** Starts (or restarts) with {@link #DEFAULT_HEAP}; returns once the server answers S3. */
  default void start() {
    start(DEFAULT_HEAP);
  }

  /**
   * Starts (or restarts) on the same data directory and port and waits until it answers.
   *
   * @param maxHeap a JVM {@code -Xmx} value such as {@code 256m}
   */
  void start(String maxHeap);

  /** Kills the server process with SIGKILL, without any chance to flush or clean up. */
  void kill9();

  /** Stops the server gracefully (falling back to SIGKILL) and waits until it has exited. */
  void stop();

  /** Whether the server process is alive. */
  boolean isRunning();

  /** The last lines of the server's log, for failure messages. */
  String logTail();

  /** Stops the server if it runs; never throws. */
  @Override
  void close();
}
