package io.tef.node;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A Qworker-protocol worker in its own Node.js process ({@code src/test/js/qworker-worker.cjs} on
 * npm's agenda 0.7.9 and mubsub 1.4.0, the versions Qworker used, installed into
 * node/target/js-qworker), with its output lines kept for the test to wait on.
 */
final class QworkerProcess implements AutoCloseable {

  private static final Path FOLDER = Path.of("target", "js-qworker").toAbsolutePath();
  private final Process process;
  private final List<String> lines = new ArrayList<>();

  private QworkerProcess(Process process) {
    this.process = process;
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = r.readLine()) != null; ) {
          synchronized (lines) {
            lines.add(line);
          }
        }
      } catch (java.io.IOException e) {
        // the process ended
      }
    }, "qworker-output");
    reader.setDaemon(true);
    reader.start();
  }

  /** Installs the packages and the worker's files once, then starts {@code qworker --id id --mongo url tasks...}. */
  static QworkerProcess start(String mongoUrl, String id, String... tasks) throws Exception {
    JsClients.install(FOLDER, "agenda@0.7.9", "mubsub@1.4.0");
    Files.copy(Path.of("src", "test", "js", "qworker-worker.cjs"), FOLDER.resolve("qworker-worker.cjs"), StandardCopyOption.REPLACE_EXISTING);
    Path tasksDir = FOLDER.resolve("qworker-tasks");
    Files.createDirectories(tasksDir);
    try (var files = Files.list(Path.of("src", "test", "js", "qworker-tasks"))) {
      for (Path f : files.toList()) {
        Files.copy(f, tasksDir.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
      }
    }
    List<String> command = new ArrayList<>(List.of("node", "qworker-worker.cjs", "--id", id, "--mongo", mongoUrl, "--paths", tasksDir.toString()));
    command.addAll(List.of(tasks));
    return new QworkerProcess(new ProcessBuilder(command).directory(FOLDER.toFile()).redirectErrorStream(true).start());
  }

  long pid() {
    return process.pid();
  }

  /** The first line (without the {@code qworker: } prefix) that matches, waited for. */
  String await(String what, Duration atMost, Predicate<String> match) {
    long end = System.nanoTime() + atMost.toNanos();
    while (System.nanoTime() < end) {
      synchronized (lines) {
        for (String l : lines) {
          String said = l.startsWith("qworker: ") ? l.substring(9) : l;
          if (match.test(said)) {
            return said;
          }
        }
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    throw new AssertionError("the Qworker worker did not say " + what + " within " + atMost.toMillis() + " ms; it said:\n" + output());
  }

  String await(String what, Duration atMost, String prefix) {
    return await(what, atMost, l -> l.startsWith(prefix));
  }

  boolean said(Predicate<String> match) {
    synchronized (lines) {
      return lines.stream().map(l -> l.startsWith("qworker: ") ? l.substring(9) : l).anyMatch(match);
    }
  }

  String output() {
    synchronized (lines) {
      return String.join("\n", lines);
    }
  }

  /** Ends as a crash would (SIGKILL): no goodbye on the channel. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(10, TimeUnit.SECONDS);
  }

  Integer exitCode(Duration atMost) throws InterruptedException {
    return process.waitFor(atMost.toMillis(), TimeUnit.MILLISECONDS) ? process.exitValue() : null;
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      process.destroy(); // SIGTERM: it says worker:stop, as Qworker does
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        kill();
      }
    }
  }
}
