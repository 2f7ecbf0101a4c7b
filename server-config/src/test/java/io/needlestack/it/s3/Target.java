package io.needlestack.it.s3;

import java.nio.file.Path;
import java.util.Locale;
import org.junit.jupiter.api.Assumptions;

/**
 * The kinds of server the end-to-end tests can run against, chosen with {@code -Dit.target}.
 */
public enum Target {
  /** s3proxy with the jclouds file system back-end: the reference that proves the tests. */
  S3PROXY,
  /** A Needlestack node started with {@code server-config/bin/needlestack}. */
  NEEDLESTACK;

  /** The target selected for this run ({@code it.target}, default {@code needlestack}). */
  public static Target current() {
    return valueOf(System.getProperty("it.target", "needlestack").trim().toUpperCase(Locale.ROOT));
  }

  /**
   * Skips the calling test when the current target is s3proxy and s3proxy is known not to
   * support what the test checks. Never skips for Needlestack.
   *
   * <p>{@code -Dit.checkGaps=true} runs these tests anyway, to see whether each gap is still
   * real (e.g. after an s3proxy upgrade).
   *
   * @param gap why s3proxy cannot pass, shown in the test report
   */
  public static void assumeSupportedByTarget(String gap) {
    if (Boolean.getBoolean("it.checkGaps")) {
      return;
    }
    Assumptions.assumeTrue(current() != S3PROXY, () -> "s3proxy gap: " + gap);
  }

  /** Whether the run happens on CI ({@code CI=true}), where missing tools are failures. */
  public static boolean onCi() {
    return "true".equalsIgnoreCase(System.getenv("CI"));
  }

  /** Starts a fresh server of the current target with its own data under {@code it.work.dir}. */
  public static NodeUnderTest startNode(String name) {
    return startNode(name, NodeUnderTest.DEFAULT_HEAP);
  }

  /** As {@link #startNode(String)}, with the given JVM heap. */
  public static NodeUnderTest startNode(String name, String maxHeap) {
    Path work = Path.of(System.getProperty("it.work.dir", "target/it-work"))
        .toAbsolutePath().resolve(name + "-" + System.nanoTime());
    NodeUnderTest node = switch (current()) {
      case S3PROXY -> new S3ProxyNode(work);
      case NEEDLESTACK -> new NeedlestackNode(work);
    };
    try {
      node.start(maxHeap);
      return node;
    } catch (RuntimeException | Error e) {
      node.close();
      throw e;
    }
  }
}
