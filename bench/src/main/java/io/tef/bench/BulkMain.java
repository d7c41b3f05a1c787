package io.tef.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
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
@Command(name = "bulk", mixinStandardHelpOptions = true,
    description = "Bulk submission against a running node: tasks/s accepted and CPU per task.")
public final class BulkMain implements Callable<Integer> {

  @Option(names = "--url", description = "The node's HTTP address (default ${DEFAULT-VALUE}).", defaultValue = "http://127.0.0.1:8080")
  URI url;

  @Option(names = "--tasks", description = "Tasks measured (default ${DEFAULT-VALUE}).", defaultValue = "100000")
  int tasks;

  @Option(names = "--batch", description = "Envelopes per request, 1 to 10000 (default ${DEFAULT-VALUE}).", defaultValue = "1000")
  int batch;

  @Option(names = "--in-flight", description = "Requests in flight (default ${DEFAULT-VALUE}).", defaultValue = "2")
  int inFlight;

  @Option(names = "--node-pid", description = "The node's pid, to count its CPU (default: not counted).", defaultValue = "-1")
  long nodePid;

  public static void main(String[] args) {
    System.exit(new CommandLine(new BulkMain()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    if (tasks < 1 || batch < 1 || batch > 10_000 || inFlight < 1) {
      throw new CommandLine.ParameterException(new CommandLine(this), "--tasks and --in-flight at least 1, --batch 1 to 10000");
    }
    Vertx vertx = Vertx.vertx();
    WebClient http = WebClient.create(vertx, new WebClientOptions().setDefaultHost(url.getHost()).setDefaultPort(url.getPort()),
        new PoolOptions().setHttp1MaxSize(inFlight));
    String run = Long.toString(System.currentTimeMillis(), 36);
    // warm-up: a tenth of the tasks, unmeasured
    send(vertx, http, "warm-" + run, Math.max(batch, tasks / 10), batch, inFlight);
    ProcessHandle node = nodePid > 0 ? ProcessHandle.of(nodePid).orElseThrow(() -> new IllegalArgumentException("no process " + nodePid)) : null;
    Duration node0 = node == null ? Duration.ZERO : cpuOf(node);
    Duration self0 = cpuOf(ProcessHandle.current());
    long t0 = System.nanoTime();
    int refused = send(vertx, http, "bulk-" + run, tasks, batch, inFlight);
    double seconds = (System.nanoTime() - t0) / 1e9;
    double selfMs = cpuOf(ProcessHandle.current()).minus(self0).toNanos() / 1e6 / tasks;
    String nodeMs = node == null ? "n/a" : String.format(Locale.ROOT, "%.3f", cpuOf(node).minus(node0).toNanos() / 1e6 / tasks);
    System.out.printf(Locale.ROOT, "bulk: %d tasks in arrays of %d, %d in flight: %.0f tasks/s accepted, %d refused, cpu ms/task: node %s, producer %.3f%n",
        tasks, batch, inFlight, tasks / seconds, refused, nodeMs, selfMs);
    vertx.close();
    return 0;
  }

  private static Duration cpuOf(ProcessHandle p) {
    return p.info().totalCpuDuration().orElse(Duration.ZERO);
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
}
