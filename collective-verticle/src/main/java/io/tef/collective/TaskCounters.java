package io.tef.collective;

import io.vertx.core.json.JsonObject;

/**
 * Counts what each worker ended, from {@code tef.events.tasks}; a failed task leaves its reason
 * in the worker's errors.
 */
final class TaskCounters {

  private final KnownWorkers known;
  private final RecordWriter writer;

  TaskCounters(KnownWorkers known, RecordWriter writer) {
    this.known = known;
    this.writer = writer;
  }

  void onTaskEnded(JsonObject task) {
    if (task == null || task.getString("worker") == null) {
      return;
    }
    WorkerEntry w = known.get(task.getString("worker"));
    String guid = task.getString("guid");
    if (w == null || guid == null) {
      return;
    }
    String state = task.getString("state");
    if (!"completed".equals(state) && !"failed".equals(state)) {
      return;
    }
    w.countDispatch(guid, task.getInteger("attempt", 0));
    if ("completed".equals(state)) {
      w.completed++;
    } else {
      w.failed++;
      w.error("task " + guid + " attempt " + task.getInteger("attempt", 0) + " failed: " + task.getString("fail_reason"),
          KnownWorkers.now(), "task");
    }
    writer.saveLater(w);
  }
}
