package io.tef.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A process the bench starts (a dispatcher node, a worker JVM, a producer): its output read on a
 * thread of its own, lines awaited by prefix, the last lines kept to explain a failure, its CPU
 * time read from the OS. Its warnings go to stderr, as the bench's own do.
 */
final class ChildProcess implements AutoCloseable {

  private static final int KEPT_LINES = 40;
  private static final List<ChildProcess> ALL = new ArrayList<>();

  static {
    // Never leave a child behind, even when the bench is interrupted.
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      synchronized (ALL) {
        ALL.forEach(c -> c.process.destroyForcibly());
      }
    }, "tef-bench-kill-children"));
  }

  private final String name;
  private final Process process;
  private final Deque<String> lastLines = new ArrayDeque<>();
  /** Lines not yet looked at by {@link #awaitLine}; bounded, the oldest dropped first. */
  private final BlockingQueue<String> unread = new LinkedBlockingQueue<>();
  private volatile boolean exited;

  private ChildProcess(String name, Process process) {
    this.name = name;
    this.process = process;
  }

  /** The java of this JVM, so children run the same runtime. */
  static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /** Starts {@code command}; {@code env} is added to a copy of this process's environment without its TEF_* variables. */
  static ChildProcess start(String name, List<String> command, Map<String, String> env) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    // The same configuration as the bench's own node, which reads no TEF_* variable.
    pb.environment().keySet().removeIf(k -> k.startsWith("TEF_"));
    pb.environment().putAll(env);
    ChildProcess child = new ChildProcess(name, pb.start());
    synchronized (ALL) {
      ALL.add(child);
    }
    Thread reader = new Thread(child::read, "tef-bench-" + name);
    reader.setDaemon(true);
    reader.start();
    return child;
  }

  String name() {
    return name;
  }

  long pid() {
    return process.pid();
  }

  /**
   * The next line that starts with {@code prefix}, among the lines not yet looked at: lines are
   * read in order, so a line printed before this call still counts, and each is returned once.
   */
  String awaitLine(String prefix, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    try {
      while (true) {
        String line = unread.poll(Math.max(0, Math.min(deadline - System.nanoTime(), 200_000_000L)), TimeUnit.NANOSECONDS);
        if (line != null && line.startsWith(prefix)) {
          return line;
        }
        if (line == null && exited && unread.isEmpty()) {
          throw new IllegalStateException("it exited (code " + exitCode() + ")");
        }
        if (line == null && System.nanoTime() > deadline) {
          throw new IllegalStateException("not within " + timeout.toSeconds() + " s");
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(name + " did not say '" + prefix + "': interrupted");
    } catch (IllegalStateException e) {
      throw new IllegalStateException(name + " did not say '" + prefix + "': " + e.getMessage() + "\n" + lastLines(), e);
    }
  }

  /** Writes a line to the process's standard input. */
  void tell(String line) throws IOException {
    OutputStream in = process.getOutputStream();
    in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
    in.flush();
  }

  /** CPU time the process has used so far (user and system, all its threads). */
  Duration cpu() {
    return process.toHandle().info().totalCpuDuration().orElse(Duration.ZERO);
  }

  String lastLines() {
    synchronized (lastLines) {
      return String.join("\n", lastLines);
    }
  }

  private void read() {
    try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        synchronized (lastLines) {
          lastLines.addLast(line);
          if (lastLines.size() > KEPT_LINES) {
            lastLines.removeFirst();
          }
        }
        unread.add(line);
        if (unread.size() > 10_000) {
          unread.poll();
        }
        if (line.contains(" WARN ") || line.contains(" ERROR ") || line.startsWith("Exception") || line.startsWith("tef ")) {
          System.err.println(name + ": " + line);
        }
      }
    } catch (IOException ignored) {
      // the process ended
    } finally {
      exited = true;
    }
  }

  private String exitCode() {
    try {
      return process.waitFor(5, TimeUnit.SECONDS) ? String.valueOf(process.exitValue()) : "still running";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "unknown";
    }
  }

  /** SIGTERM (a node hands its leases back, a worker says offline), then SIGKILL after 30 s. */
  @Override
  public void close() {
    closeAll(List.of(this));
  }

  /** Stops them together: each is asked first, then each is awaited. */
  static void closeAll(List<ChildProcess> children) {
    children.forEach(c -> c.process.toHandle().destroy());
    for (ChildProcess c : children) {
      try {
        if (!c.process.waitFor(30, TimeUnit.SECONDS)) {
          c.process.destroyForcibly();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        c.process.destroyForcibly();
      }
      synchronized (ALL) {
        ALL.remove(c);
      }
    }
  }
}
