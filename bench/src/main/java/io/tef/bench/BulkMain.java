package io.tef.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Bulk submission against a running node, as a producer of its own: {@code java -cp
 * tef-bench.jar io.tef.bench.BulkMain [--url http://127.0.0.1:8080] [--tasks 100000] [--batch
 * 1000] [--in-flight 2] [--node-pid PID]}. Posts arrays of no-op envelopes of a type no worker
 * runs (they stay queued), and prints how many tasks per second were accepted (answered, so
 * stored) and the CPU per task of this process and, given its pid, of the node.
 */
public final class BulkMain {

  public static void main(String[] args) throws Exception {
    String url = "http://127.0.0.1:8080";
    int tasks = 100_000;
    int batch = 1000;
    int inFlight = 2;
    long nodePid = -1;
    for (int i = 0; i < args.length; i += 2) {
      switch (args[i]) {
        case "--url" -> url = args[i + 1];
        case "--tasks" -> tasks = Integer.parseInt(args[i + 1]);
        case "--batch" -> batch = Integer.parseInt(args[i + 1]);
        case "--in-flight" -> inFlight = Integer.parseInt(args[i + 1]);
        case "--node-pid" -> nodePid = Long.parseLong(args[i + 1]);
        default -> throw new IllegalArgumentException("unknown option " + args[i] + "; see the class comment");
      }
    }
    java.net.URI uri = java.net.URI.create(url);
    Vertx vertx = Vertx.vertx();
    WebClient http = WebClient.create(vertx, new WebClientOptions().setDefaultHost(uri.getHost()).setDefaultPort(uri.getPort()),
        new PoolOptions().setHttp1MaxSize(inFlight));
    String run = Long.toString(System.currentTimeMillis(), 36);
    // warm-up: a tenth of the tasks, unmeasured
    send(vertx, http, "warm-" + run, Math.max(batch, tasks / 10), batch, inFlight);
    long node0 = nodePid > 0 ? cpuNanos(nodePid) : 0;
    long self0 = cpuNanos(ProcessHandle.current().pid());
    long t0 = System.nanoTime();
    int refused = send(vertx, http, "bulk-" + run, tasks, batch, inFlight);
    double seconds = (System.nanoTime() - t0) / 1e9;
    double selfMs = (cpuNanos(ProcessHandle.current().pid()) - self0) / 1e6 / tasks;
    String nodeMs = nodePid > 0 ? String.format("%.3f", (cpuNanos(nodePid) - node0) / 1e6 / tasks) : "n/a";
    System.out.printf("bulk: %d tasks in arrays of %d, %d in flight: %.0f tasks/s accepted, %d refused, cpu ms/task: node %s, producer %.3f%n",
        tasks, batch, inFlight, tasks / seconds, refused, nodeMs, selfMs);
    vertx.close();
  }

  /** Sends {@code count} envelopes in arrays of {@code batch}; the number of items refused. */
  private static int send(Vertx vertx, WebClient http, String prefix, int count, int batch, int inFlight) throws Exception {
    CompletableFuture<Integer> done = new CompletableFuture<>();
    AtomicInteger refused = new AtomicInteger();
    vertx.runOnContext(v -> {
      int[] next = {0};
      int[] outstanding = {0};
      Runnable[] post = new Runnable[1];
      post[0] = () -> {
        JsonArray body = new JsonArray();
        int end = Math.min(count, next[0] + batch);
        for (int i = next[0]; i < end; i++) {
          body.add(new JsonObject().put("task_type", "bulk-noop").put("guid", prefix + "-" + i));
        }
        next[0] = end;
        outstanding[0]++;
        Future<io.vertx.ext.web.client.HttpResponse<Buffer>> sent = http.post("/api/tasks").putHeader("content-type", "application/json").sendBuffer(body.toBuffer());
        sent.onComplete(ar -> {
          outstanding[0]--;
          if (ar.failed() || ar.result().statusCode() != 200) {
            done.completeExceptionally(new IllegalStateException("bulk post failed: " + (ar.failed() ? ar.cause() : ar.result().bodyAsString())));
            return;
          }
          refused.addAndGet(ar.result().bodyAsJsonObject().getInteger("refused"));
          if (next[0] < count) {
            post[0].run();
          } else if (outstanding[0] == 0) {
            done.complete(refused.get());
          }
        });
      };
      for (int i = 0; i < inFlight && next[0] < count; i++) {
        post[0].run();
      }
    });
    return done.get(10, TimeUnit.MINUTES);
  }

  private static long cpuNanos(long pid) throws Exception {
    String[] f = Files.readString(Path.of("/proc/" + pid + "/stat")).split("\\) ")[1].split(" ");
    return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10_000_000L;
  }

  private BulkMain() {
  }
}
