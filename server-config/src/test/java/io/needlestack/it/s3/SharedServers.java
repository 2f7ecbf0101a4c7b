package io.needlestack.it.s3;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;

/**
 * One server, per heap, for all the S3 test classes of a run that leave it as they found it (each
 * works in buckets of its own; see {@link S3TestSupport#sharesServer()}): a boot of the node costs
 * 12 to 15 s of two cores, about a tenth of these classes' time. The server is started by the first
 * class that needs it and closed when the run ends (JUnit's root store), even when tests fail.
 */
final class SharedServers implements BeforeAllCallback {

  private static final Namespace NAMESPACE = Namespace.create(SharedServers.class);

  @Override
  public void beforeAll(ExtensionContext context) {
    if (context.getTestInstance().orElse(null) instanceof S3TestSupport test && test.sharesServer()) {
      String heap = test.serverHeap();
      Shared shared = context.getRoot().getStore(NAMESPACE).getOrComputeIfAbsent("heap " + heap,
          k -> new Shared(Target.startNode("shared-" + heap, heap)), Shared.class);
      test.useSharedServer(shared.node());
    }
  }

  /** A shared server, closed with the root store. */
  private record Shared(NodeUnderTest node) implements ExtensionContext.Store.CloseableResource {
    @Override
    public void close() {
      node.close();
    }
  }
}
