package io.tef.bench;

import io.tef.core.store.TaskStore;
import io.tef.core.task.Task;
import io.tef.protocol.task.TaskDefaults;
import io.tef.protocol.task.TaskEnvelope;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * The store's own write rate in the same run, through the same client: inserts, then replaces
 * of task-shaped documents, with the same number in flight. What share of it TEF reaches shows
 * how much the rest of the path costs.
 */
final class StoreProbe {

  record Rates(double insertsPerSecond, double replacesPerSecond) {
  }

  static Rates measure(Vertx vertx, TaskStore store, int count, int inFlight) throws Exception {
    Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    List<Task> tasks = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      tasks.add(Task.accepted(TaskEnvelope.parse(new JsonObject().put("task_type", "store-probe"), TaskDefaults.TEF),
          "probe-" + i, now, "bench", "bench"));
    }
    double inserts = run(vertx, tasks, inFlight, t -> store.insert(t).mapEmpty());
    double replaces = run(vertx, tasks, inFlight, t -> store.save(t.dispatched("probe", now, "bench").working(now, "probe")));
    return new Rates(inserts, replaces);
  }

  private static double run(Vertx vertx, List<Task> tasks, int inFlight, Function<Task, Future<?>> op) throws Exception {
    CompletableFuture<Long> done = new CompletableFuture<>();
    Context ctx = vertx.getOrCreateContext();
    long t0 = System.nanoTime();
    ctx.runOnContext(v -> {
      int[] next = {0};
      int[] outstanding = {0};
      Runnable[] send = new Runnable[1];
      send[0] = () -> {
        Task t = tasks.get(next[0]++);
        outstanding[0]++;
        op.apply(t).onComplete(ar -> {
          outstanding[0]--;
          if (next[0] < tasks.size()) {
            send[0].run();
          } else if (outstanding[0] == 0) {
            done.complete(System.nanoTime());
          }
        });
      };
      for (int i = 0; i < inFlight && next[0] < tasks.size(); i++) {
        send[0].run();
      }
    });
    long t1 = done.get(5, java.util.concurrent.TimeUnit.MINUTES);
    return tasks.size() / ((t1 - t0) / 1e9);
  }

  private StoreProbe() {
  }
}
