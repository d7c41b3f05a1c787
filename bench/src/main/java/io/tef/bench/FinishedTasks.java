package io.tef.bench;

import io.tef.core.store.mongo.MongoTaskStore;
import io.tef.core.task.Task;
import io.tef.core.task.TaskJson;
import io.tef.protocol.task.TaskDefaults;
import io.tef.protocol.task.TaskEnvelope;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.BulkOperation;
import io.vertx.ext.mongo.MongoClient;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * A store's history for the bench: finished task documents (mostly completed, some failed, a few
 * cancelled, as a store's old tasks are) written by bulk inserts, a few batches in flight,
 * straight into the tasks collection: nobody submits or runs them.
 */
final class FinishedTasks {

  private static final int BATCH = 1000;
  private static final int BATCHES_IN_FLIGHT = 4;

  interface TaskAt {
    Task make(int i);
  }

  /** {@code count} finished tasks named {@code prefix-i}, in {@code suite} (or none), created {@code step} ms apart from {@code base}. */
  static void fill(MongoClient client, int count, String prefix, String suite, Instant base, double stepMillis) throws Exception {
    insertAll(client, count, i -> finished(prefix + "-" + i, suite, base.plusMillis((long) (stepMillis * i)), i));
  }

  static void insertAll(MongoClient client, int count, TaskAt task) throws Exception {
    int next = 0;
    long reported = 0;
    while (next < count) {
      List<Future<?>> inFlight = new ArrayList<>();
      for (int b = 0; b < BATCHES_IN_FLIGHT && next < count; b++) {
        List<BulkOperation> batch = new ArrayList<>(BATCH);
        for (int i = 0; i < BATCH && next < count; i++, next++) {
          batch.add(BulkOperation.createInsert(TaskJson.toDocument(task.make(next))));
        }
        inFlight.add(client.bulkWrite(MongoTaskStore.COLLECTION, batch));
      }
      Future.all(inFlight).toCompletionStage().toCompletableFuture().get(10, TimeUnit.MINUTES);
      if (next - reported >= 100_000) {
        reported = next;
        System.out.printf(Locale.ROOT, "  %d / %d%n", next, count);
      }
    }
  }

  /** Finished as most tasks of a store are: mostly completed, some failed, a few cancelled. */
  static Task finished(String guid, String suite, Instant createdAt, int i) {
    JsonObject json = new JsonObject().put("task_type", "probe").put("task_data", new JsonObject().put("n", i));
    if (suite != null) {
      json.put("suite_guid", suite);
    }
    if (i % 20 < 3) {
      json.put("max_attempts", 1);
    }
    Task accepted = Task.accepted(TaskEnvelope.parse(json, TaskDefaults.TEF), guid, createdAt, "probe", "probe");
    if (i % 20 == 19) {
      return accepted.cancelled(createdAt.plusMillis(5), "probe");
    }
    Task working = accepted.dispatched("probe-worker", createdAt.plusMillis(1), "probe").working(createdAt.plusMillis(2), "probe-worker");
    return i % 20 < 3
        ? working.attemptFailed("probe failure", createdAt.plusMillis(3), createdAt.plusMillis(3), "probe-worker")
        : working.completed(new JsonObject().put("ok", true), createdAt.plusMillis(3), "probe-worker");
  }

  private FinishedTasks() {
  }
}
