package io.tef.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Dispatcher nodes in their own JVMs ({@code java -jar tef.jar node --cluster --roles
 * dispatcher,collective,registry}) on the bench node's store, so the dispatch path crosses
 * processes as it does in a cluster. Their warnings go to stderr; their last lines explain a
 * start that fails.
 */
final class DispatcherNodes implements AutoCloseable {

  private static final int KEPT_LINES = 40;

  private final List<Child> children = new ArrayList<>();
  private final Thread killer = new Thread(this::kill, "tef-bench-kill-children");

  private record Child(String name, Process process, CompletableFuture<Void> ready, Deque<String> lastLines) {
  }

  /**
   * Starts {@code count} nodes named bench-d1.. and waits until each says it is ready.
   * {@code instances} is each node's dispatcher.instances.
   */
  static DispatcherNodes start(int count, Path jar, String clusterName, String storeUrl, int instances, Path dataDir) throws Exception {
    DispatcherNodes nodes = new DispatcherNodes();
    // Never leave a dispatcher JVM behind, even when the bench is interrupted.
    Runtime.getRuntime().addShutdownHook(nodes.killer);
    try {
      for (int i = 1; i <= count; i++) {
        nodes.launch("bench-d" + i, jar, clusterName, storeUrl, instances, dataDir.resolve("d" + i));
      }
      for (Child c : nodes.children) {
        try {
          c.ready().get(120, TimeUnit.SECONDS);
        } catch (Exception e) {
          throw new IllegalStateException("dispatcher node " + c.name() + " did not start: " + e.getMessage() + "\n" + String.join("\n", c.lastLines()));
        }
      }
      return nodes;
    } catch (Exception e) {
      nodes.close();
      throw e;
    }
  }

  private void launch(String name, Path jar, String clusterName, String storeUrl, int instances, Path dataDir) throws IOException {
    List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar.toString(),
        "node", "--name", name, "--cluster", "--cluster-host", "127.0.0.1", "--roles", "dispatcher,collective,registry",
        "--store-url", storeUrl, "--data-dir", dataDir.toString(),
        "--set", "cluster.name=" + clusterName, "--set", "dispatcher.instances=" + instances);
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    // The same configuration as the bench's own node, which reads no TEF_* variable.
    pb.environment().keySet().removeIf(k -> k.startsWith("TEF_"));
    pb.environment().put("TEF_ENV", "dev");
    Process p = pb.start();
    Child child = new Child(name, p, new CompletableFuture<>(), new ArrayDeque<>());
    children.add(child);
    Thread reader = new Thread(() -> read(child), "tef-bench-" + name);
    reader.setDaemon(true);
    reader.start();
  }

  private static void read(Child c) {
    String ready = "TEF node " + c.name() + " ready";
    try (BufferedReader in = new BufferedReader(new InputStreamReader(c.process().getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        synchronized (c.lastLines()) {
          c.lastLines().addLast(line);
          if (c.lastLines().size() > KEPT_LINES) {
            c.lastLines().removeFirst();
          }
        }
        if (line.startsWith(ready)) {
          c.ready().complete(null);
        } else if (line.contains(" WARN ") || line.contains(" ERROR ")) {
          // As the bench shows its own node's warnings: a dispatcher that falls behind says so here.
          System.err.println(c.name() + ": " + line);
        }
      }
    } catch (IOException ignored) {
      // the process ended
    } finally {
      c.ready().completeExceptionally(new IllegalStateException("it exited (code " + exitCode(c.process()) + ")"));
    }
  }

  private static String exitCode(Process p) {
    try {
      return p.waitFor(5, TimeUnit.SECONDS) ? String.valueOf(p.exitValue()) : "still running";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "unknown";
    }
  }

  List<String> names() {
    return children.stream().map(Child::name).toList();
  }

  /** CPU time each node's JVM has used so far, in the order of {@link #names}. */
  List<Duration> cpu() {
    return children.stream().map(c -> c.process().toHandle().info().totalCpuDuration().orElse(Duration.ZERO)).toList();
  }

  /** SIGTERM (each hands its leases back), then SIGKILL for any still running after 30 s. */
  @Override
  public void close() {
    children.forEach(c -> c.process().toHandle().destroy());
    for (Child c : children) {
      try {
        if (!c.process().waitFor(30, TimeUnit.SECONDS)) {
          c.process().destroyForcibly();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        c.process().destroyForcibly();
      }
    }
    try {
      Runtime.getRuntime().removeShutdownHook(killer);
    } catch (IllegalStateException ignored) {
      // already shutting down: the hook runs anyway
    }
  }

  private void kill() {
    children.forEach(c -> c.process().destroyForcibly());
  }
}
