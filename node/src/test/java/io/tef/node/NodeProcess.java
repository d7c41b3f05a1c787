package io.tef.node;

import io.tef.node.cli.TefCommand;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A node in its own JVM, started as {@code tef node} would be, for tests that stop it with a signal. */
final class NodeProcess implements AutoCloseable {

  private static final Pattern READY = Pattern.compile("TEF node \\S+ ready: http://[^:]+:(\\d+)");
  private static final Pattern WORKER_READY = Pattern.compile("TEF worker \\S+ ready.*?(?:http port (\\d+))?\\)");

  private final Process process;
  private final CompletableFuture<Integer> port = new CompletableFuture<>();
  private final StringBuffer output = new StringBuffer();
  private final Thread reader;

  private NodeProcess(Process process) {
    this.process = process;
    reader = new Thread(this::read, "node-process-output");
    reader.setDaemon(true);
    reader.start();
  }

  static NodeProcess start(Path dataDir, String... args) throws IOException {
    return start(dataDir, Map.of(), args);
  }

  /** As {@link #start(Path, String...)}, with these environment variables (e.g. list keys, which --set cannot give). */
  static NodeProcess start(Path dataDir, Map<String, String> env, String... args) throws IOException {
    List<String> all = new ArrayList<>(List.of("node", "--data-dir", dataDir.toString(), "--http-port", "0"));
    all.addAll(List.of(args));
    return launch(all, env);
  }

  /** {@code tef worker ARGS} in its own JVM; {@link #awaitReady} answers 0 once it is registered. */
  static NodeProcess worker(Map<String, String> env, String... args) throws IOException {
    List<String> all = new ArrayList<>(List.of("worker"));
    all.addAll(List.of(args));
    return launch(all, env);
  }

  long pid() {
    return process.pid();
  }

  private static NodeProcess launch(List<String> args, Map<String, String> env) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(Arrays.asList(System.getProperty("tef.test.jvm.flags", "").split(" ")).stream().filter(s -> !s.isBlank()).toList());
    cmd.add("-Xmx256m");
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(TefCommand.class.getName());
    cmd.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().put("TEF_ENV", "test");
    pb.environment().put("TEF_CLUSTER_NAME", TestNodes.CLUSTER_NAME);
    pb.environment().putAll(env);
    return new NodeProcess(pb.start());
  }

  private void read() {
    try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        output.append(line).append('\n');
        Matcher m = READY.matcher(line);
        if (m.find()) {
          port.complete(Integer.parseInt(m.group(1)));
        } else if ((m = WORKER_READY.matcher(line)).find()) {
          port.complete(m.group(1) == null ? 0 : Integer.parseInt(m.group(1)));
        }
      }
    } catch (IOException ignored) {
      // the process ended
    } finally {
      port.completeExceptionally(new IllegalStateException("node exited before it was ready:\n" + output));
    }
  }

  /** Waits for the process to end; its exit code. */
  int awaitExit() throws Exception {
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      throw new IllegalStateException("still running after 60 s:\n" + output);
    }
    reader.join(10_000);
    return process.exitValue();
  }

  /** Waits for the "ready" line and returns the HTTP port it names. */
  int awaitReady() throws Exception {
    return port.get(60, TimeUnit.SECONDS);
  }

  /** SIGTERM, then wait for the JVM to end. */
  int terminate() throws InterruptedException {
    // Process.destroy() would also close our end of the output pipe and lose the last lines.
    process.toHandle().destroy();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IllegalStateException("node did not stop within 60 s of SIGTERM:\n" + output);
    }
    reader.join(10_000); // the last lines, written while stopping
    return process.exitValue();
  }

  /** SIGKILL: no shutdown hook, no clean close of the store. */
  void kill() throws InterruptedException {
    process.toHandle().destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  String output() {
    return output.toString();
  }

  @Override
  public void close() {
    process.destroyForcibly();
  }
}
