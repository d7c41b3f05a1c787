package io.tef.worker;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * TEF's command runner: task_data {@code {"command": "ls -la /tmp"}} (run by {@code sh -c}) or
 * {@code {"argv": ["ls", "-la"]}}, optional {@code "cwd"} and {@code "timeout_ms"}; the result is
 * {@code {"status", "stdout", "stderr"}} whatever the exit status. It runs commands of whoever
 * can submit tasks, so a worker offers it only when told to (--allow-shell).
 */
public final class ShellHandler implements TaskHandler {

  /** Output kept per stream; the rest is cut, and the result says so. */
  static final int MAX_OUTPUT = 1 << 20;
  private static final long DEFAULT_TIMEOUT_MS = 10 * 60 * 1000;

  private final Vertx vertx;

  public ShellHandler(Vertx vertx) {
    this.vertx = vertx;
  }

  @Override
  public Future<Object> handle(Job job) {
    List<String> argv;
    Path cwd;
    long timeoutMs;
    try {
      if (!(job.data() instanceof JsonObject d)) {
        throw new IllegalArgumentException("shell needs task_data {\"command\": \"...\"} or {\"argv\": [...]}");
      }
      argv = argv(d);
      cwd = d.getValue("cwd") instanceof String s ? Path.of(s) : null;
      Object t = d.getValue("timeout_ms");
      if (t != null && (!(t instanceof Number n) || n.longValue() < 1)) {
        throw new IllegalArgumentException("timeout_ms must be a positive number of milliseconds");
      }
      timeoutMs = t == null ? DEFAULT_TIMEOUT_MS : ((Number) t).longValue();
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e.getMessage());
    }
    // A process is blocking work: it runs on a worker thread, never on the event loop.
    return vertx.executeBlocking(() -> run(argv, cwd, timeoutMs, job), false);
  }

  private static List<String> argv(JsonObject d) {
    if (d.getValue("command") instanceof String c && !c.isBlank()) {
      return List.of("sh", "-c", c);
    }
    if (d.getValue("argv") instanceof JsonArray a && !a.isEmpty()) {
      List<String> out = new ArrayList<>();
      for (Object o : a) {
        if (!(o instanceof String s)) {
          throw new IllegalArgumentException("argv must be a list of strings");
        }
        out.add(s);
      }
      return out;
    }
    throw new IllegalArgumentException("shell needs task_data {\"command\": \"...\"} or {\"argv\": [...]}");
  }

  private static Object run(List<String> argv, Path cwd, long timeoutMs, Job job) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(argv);
    if (cwd != null) {
      pb.directory(cwd.toFile());
    }
    Process p;
    try {
      p = pb.start();
    } catch (IOException e) {
      throw new IllegalStateException("cannot run " + argv.get(0) + ": " + e.getMessage());
    }
    p.getOutputStream().close();
    CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(p.getInputStream()));
    CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
    while (!p.waitFor(200, TimeUnit.MILLISECONDS)) {
      if (job.abandoned() || System.nanoTime() > deadline) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        throw new IllegalStateException(job.abandoned() ? "abandoned" : "timed out after " + timeoutMs + " ms");
      }
    }
    return new JsonObject().put("status", p.exitValue()).put("stdout", out.get(5, TimeUnit.SECONDS)).put("stderr", err.get(5, TimeUnit.SECONDS));
  }

  private static String read(InputStream in) {
    try (in) {
      ByteArrayOutputStream buf = new ByteArrayOutputStream();
      byte[] chunk = new byte[8192];
      int n;
      boolean cut = false;
      while ((n = in.read(chunk)) >= 0) {
        int room = MAX_OUTPUT - buf.size();
        if (room > 0) {
          buf.write(chunk, 0, Math.min(n, room));
        }
        cut |= n > room;
      }
      return buf.toString(StandardCharsets.UTF_8) + (cut ? "\n[output cut at " + MAX_OUTPUT + " bytes]" : "");
    } catch (IOException e) {
      return "[output unreadable: " + e.getMessage() + "]";
    }
  }
}
