package io.tef.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Dispatcher nodes in their own JVMs ({@code java -jar tef.jar node --cluster --roles
 * dispatcher,collective,registry}) on the bench node's store, so the dispatch path crosses
 * processes as it does in a cluster.
 */
final class DispatcherNodes implements AutoCloseable {

  private final List<ChildProcess> children = new ArrayList<>();

  /**
   * Starts {@code count} nodes named bench-d1.. and waits until each says it is ready.
   * {@code instances} is each node's dispatcher.instances.
   */
  static DispatcherNodes start(int count, Path jar, String clusterName, String storeUrl, int instances, Path dataDir) throws Exception {
    DispatcherNodes nodes = new DispatcherNodes();
    try {
      for (int i = 1; i <= count; i++) {
        String name = "bench-d" + i;
        nodes.children.add(ChildProcess.start(name, List.of(ChildProcess.java(), "-jar", jar.toString(),
            "node", "--name", name, "--cluster", "--cluster-host", "127.0.0.1", "--roles", "dispatcher,collective,registry",
            "--store-url", storeUrl, "--data-dir", dataDir.resolve("d" + i).toString(),
            "--set", "cluster.name=" + clusterName, "--set", "dispatcher.instances=" + instances), Map.of("TEF_ENV", "dev")));
      }
      for (ChildProcess c : nodes.children) {
        c.awaitLine("TEF node " + c.name() + " ready", Duration.ofSeconds(120));
      }
      return nodes;
    } catch (Exception e) {
      nodes.close();
      throw e;
    }
  }

  List<String> names() {
    return children.stream().map(ChildProcess::name).toList();
  }

  /** CPU time each node's JVM has used so far, in the order of {@link #names}. */
  List<Duration> cpu() {
    return children.stream().map(ChildProcess::cpu).toList();
  }

  /** SIGTERM (each hands its leases back), then SIGKILL for any still running after 30 s. */
  @Override
  public void close() {
    ChildProcess.closeAll(children);
  }
}
